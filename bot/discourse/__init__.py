"""The domain side of Discourse: forum threads, report-form links and reconciliation cursors."""

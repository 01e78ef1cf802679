"""Reports: intake, routing, committee spaces, the privacy gate and delivery."""

"""`cocbot backup` and `cocbot restore` as the operator runs them: the bot's settings, plain messages."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli.test_main import clean_env, cocbot, create_database


def test_backup_then_restore_into_a_fresh_location(tmp_path: Path) -> None:
    create_database(tmp_path / "bot.sqlite3")
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3")
    result = cocbot("backup", "backups/monday.sqlite3", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "backed up 0 reports to backups/monday.sqlite3" in result.stdout and "plain text" in result.stdout
    from cocbot.storage.content import new_key

    result = cocbot("backup", "backups/sealed.sqlite3", env={**env, "COCBOT_CONTENT_KEYS": new_key()}, cwd=tmp_path)
    assert result.returncode == 0 and "encrypted: keep COCBOT_CONTENT_KEYS too" in result.stdout, result.stderr
    again = cocbot("backup", "backups/monday.sqlite3", env=env, cwd=tmp_path)
    assert again.returncode == 2 and "already exists; backups are never overwritten" in again.stderr

    elsewhere = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/new/bot.sqlite3")
    result = cocbot("restore", "backups/monday.sqlite3", env=elsewhere, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"restored 0 reports into {tmp_path}/new/bot.sqlite3" in result.stdout
    refused = cocbot("restore", "backups/monday.sqlite3", env=env, cwd=tmp_path)
    assert refused.returncode == 2 and "stop the bot" in refused.stderr and "--force" in refused.stderr
    forced = cocbot("restore", "--force", "backups/monday.sqlite3", env=env, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "Traceback" not in result.stderr + refused.stderr + forced.stderr


def test_backup_of_a_postgresql_database_points_to_pg_dump(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL="postgresql://cocbot@db.invalid/cocbot")
    for command in (["backup", "x.dump"], ["restore", "x.dump"]):
        result = cocbot(*command, env=env, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "pg_dump --format=custom" in result.stderr and "pg_restore" in result.stderr
    assert not (tmp_path / "x.dump").exists()

import os
import subprocess
import sys


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OHSTEWARD_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", "import ohsteward.settings as s; print(s.DATABASES['default']['ENGINE'])"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run({"OHSTEWARD_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "OHSTEWARD_SECRET_KEY is not set" in result.stderr


def test_demo_generates_and_keeps_a_key_and_defaults_to_sqlite(tmp_path):
    result = _run({"OHSTEWARD_DEMO": "1", "OHSTEWARD_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0 and "sqlite3" in result.stdout
    key = (tmp_path / "secret_key").read_text()
    _run({"OHSTEWARD_DEMO": "1", "OHSTEWARD_DATA_DIR": str(tmp_path)})
    assert (tmp_path / "secret_key").read_text() == key


def test_database_url_selects_postgresql(tmp_path):
    result = _run({"OHSTEWARD_SECRET_KEY": "x" * 50, "OHSTEWARD_DATABASE_URL": "postgresql://u@127.0.0.1:5432/db"})
    assert result.returncode == 0 and "postgresql" in result.stdout

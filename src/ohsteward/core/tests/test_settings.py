import os
import subprocess
import sys


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OHSTEWARD_")}
    # the field-encryption key has its own tests (surveillance/tests/test_field_key.py)
    env["OHSTEWARD_FIELD_KEY"] = "Fk7-" + "x2Q9mZ4pL8vR3tW6yB1n" * 2
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import ohsteward.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
    result = _run(
        {"OHSTEWARD_SECRET_KEY": STRONG_KEY, "OHSTEWARD_DATABASE_URL": "postgresql://u@127.0.0.1:5432/db"}
    )
    assert result.returncode == 0 and "postgresql" in result.stdout


def _db_options(env_extra) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OHSTEWARD_")}
    env["OHSTEWARD_FIELD_KEY"] = "Fk7-" + "x2Q9mZ4pL8vR3tW6yB1n" * 2
    env.update(
        {"OHSTEWARD_SECRET_KEY": STRONG_KEY, "OHSTEWARD_DATABASE_URL": "postgresql://u@127.0.0.1:5432/db"}
    )
    env.update(env_extra)
    code = (
        "import ohsteward.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_jit_is_off_unless_asked_for():
    assert _db_options({}) == "-c jit=off"
    assert _db_options({"OHSTEWARD_DATABASE_JIT": "1"}) == ""


STRONG_KEY = "q8Vf3-Zr0pL_x2mT9sKw7YbN4cHd6JgE1uAo5RiUeWnXyMvQlPtB"


def test_production_refuses_the_placeholder_and_weak_secret_keys(tmp_path):
    for key, reason in [
        ("change-me-to-a-long-random-string", "placeholder"),
        ("Ab3-" * 10, "40 characters"),
        ("ab" * 30, "2 distinct characters"),
        ("django-insecure-" + STRONG_KEY, "placeholder"),
    ]:
        result = _run({"OHSTEWARD_DATA_DIR": str(tmp_path), "OHSTEWARD_SECRET_KEY": key})
        assert result.returncode != 0, key
        assert "ImproperlyConfigured" in result.stderr and "not fit for production" in result.stderr
        assert reason in result.stderr, result.stderr[-300:]
    result = _run({"OHSTEWARD_DATA_DIR": str(tmp_path), "OHSTEWARD_SECRET_KEY": STRONG_KEY})
    assert result.returncode == 0, result.stderr


def test_secret_key_rule_as_a_function():
    from ohsteward.settings import secret_key_problem

    assert secret_key_problem(STRONG_KEY) is None
    assert "placeholder" in secret_key_problem("change-me-to-a-long-random-string")
    assert "49 characters" in secret_key_problem(STRONG_KEY[:49])

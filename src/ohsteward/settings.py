"""ohsteward settings: everything comes from environment variables (docs/configuration.md).

One settings module, no per-environment trees. ``OHSTEWARD_DEMO=1`` (set by ``ohsteward demo``
and by the test suite) relaxes the secret-key rule: a key is generated once and kept in the
data directory. Production (neither debug nor demo) refuses to start without a secret key.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("OHSTEWARD_DEBUG")
DEMO = env_bool("OHSTEWARD_DEMO")
# The test suite runs like demo mode, with its data directory in a temporary folder.
TESTING = "pytest" in sys.modules
DATA_DIR = Path(
    os.environ.get("OHSTEWARD_DATA_DIR")
    or (Path(tempfile.gettempdir()) / "ohsteward-test" if TESTING else Path.home() / ".ohsteward")
).expanduser()


# Keys that must never sign a production session: the placeholders of .env.example and the docs,
# and Django's own generated-for-development prefix (issue 6 item 15).
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "change-me-to-a-long-random-string",
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "your-secret-key",
        "please-change-me",
        "replace-me",
        "xxx",
        "…",
        "...",
    }
)
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 10


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit for production, or ``None``. The thresholds follow Django's own
    deployment check (security.W009: at least 50 characters, more than 5 distinct), stricter on
    distinct characters; a key copied from .env.example or the docs is refused by name."""
    if (
        key.strip().lower() in PLACEHOLDER_SECRET_KEYS
        or "change-me" in key.lower()
        or key.startswith("django-insecure-")
    ):
        return "it is the placeholder from .env.example or the docs"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it has {len(key)} characters, at least {MIN_SECRET_KEY_LENGTH} are needed"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return (
            f"it has only {len(set(key))} distinct characters, at least {MIN_SECRET_KEY_DISTINCT} are needed"
        )
    return None


def _secret_key() -> str:
    key = os.environ.get("OHSTEWARD_SECRET_KEY", "")
    if key:
        problem = None if (DEBUG or DEMO or TESTING) else secret_key_problem(key)
        if problem:
            raise ImproperlyConfigured(
                f"OHSTEWARD_SECRET_KEY is not fit for production: {problem}. Generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(50))"` (see docs/configuration.md).'
            )
        return key
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "OHSTEWARD_SECRET_KEY is not set. Production mode refuses to start without it "
            "(see docs/configuration.md); use `ohsteward demo` to try the system."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# Field encryption of personal identifiers (ID numbers; docs/decisions/0009-field-encryption.md):
# the same rules as the secret key. Production refuses to start without OHSTEWARD_FIELD_KEY; demo,
# debug and tests keep a generated one in the data directory. Losing the key loses every ID number.
MIN_FIELD_KEY_LENGTH = 32


def _field_key() -> str:
    key = os.environ.get("OHSTEWARD_FIELD_KEY", "")
    if key:
        if not (DEBUG or DEMO or TESTING) and (len(key) < MIN_FIELD_KEY_LENGTH or "change-me" in key.lower()):
            raise ImproperlyConfigured(
                f"OHSTEWARD_FIELD_KEY is not fit for production: at least {MIN_FIELD_KEY_LENGTH} random "
                'characters are needed. Generate one with `python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"` (see docs/configuration.md).'
            )
        return key
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "OHSTEWARD_FIELD_KEY is not set. Production mode refuses to start without the key that "
            "encrypts ID numbers (see docs/configuration.md); use `ohsteward demo` to try the system."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "field_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


OHSTEWARD_FIELD_KEY = _field_key()
# keys that still decrypt during a rotation (`ohsteward rotate_field_key`), newest first
OHSTEWARD_FIELD_KEY_PREVIOUS = env_list("OHSTEWARD_FIELD_KEY_PREVIOUS")
ALLOWED_HOSTS = env_list("OHSTEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("OHSTEWARD_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "ohsteward.core",
    "ohsteward.accounts",
    "ohsteward.registry",
    "ohsteward.hazards",
    "ohsteward.library",
    "ohsteward.institutions",
    "ohsteward.stewardship",
    "ohsteward.interdept",
    "ohsteward.intake",
    "ohsteward.declarations",
    "ohsteward.monitoring",
    "ohsteward.supervision",
    "ohsteward.surveillance",
    "ohsteward.indicators",
    "ohsteward.api",
    "ohsteward.web",
    "ohsteward.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ohsteward.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # every page needs a login unless its view says login_not_required (login, API, docs assets)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ohsteward.web.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ohsteward.core.audit.AuditUserMiddleware",
    "ohsteward.core.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "ohsteward.urls"
WSGI_APPLICATION = "ohsteward.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ohsteward.web.context.navigation",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("OHSTEWARD_DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
        if config["ENGINE"].endswith("postgresql") and not env_bool("OHSTEWARD_DATABASE_JIT", False):
            # PostgreSQL's JIT compiles any query whose cost estimate is high: a city-wide indicator
            # count spent 2.0 of its 5.2 s compiling (docs/performance.md, branch indbench)
            config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OHSTEWARD_SQLITE_PATH") or str(DATA_DIR / "ohsteward.sqlite3"),
        # WAL lets readers (list pages) go on while an import writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ohsteward.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["ohsteward.accounts.backends.ThrottledModelBackend"]
# Login lockout (accounts/lockout.py, kept in the database so every process and a restart see it):
# after MAX_FAILURES failures for one user name within LOCKOUT_SECONDS, that user name is locked for
# LOCKOUT_SECONDS. After ADDRESS_MAX_FAILURES failures from one client address, the address is slowed
# down: a user name that failed within ADDRESS_COOLDOWN_SECONDS may not be tried again from it until
# then; correct passwords of other accounts still get in.
OHSTEWARD_LOGIN_MAX_FAILURES = int(os.environ.get("OHSTEWARD_LOGIN_MAX_FAILURES", "5"))
OHSTEWARD_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("OHSTEWARD_LOGIN_LOCKOUT_SECONDS", "900"))
OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("OHSTEWARD_LOGIN_ADDRESS_MAX_FAILURES", "20"))
OHSTEWARD_LOGIN_ADDRESS_COOLDOWN_SECONDS = int(
    os.environ.get("OHSTEWARD_LOGIN_ADDRESS_COOLDOWN_SECONDS", "60")
)


def _meta_header(name: str) -> str:
    """``X-Forwarded-For`` or ``HTTP_X_FORWARDED_FOR`` → the request.META key ``HTTP_X_FORWARDED_FOR``."""
    name = name.strip()
    if not name:
        return ""
    key = name.upper().replace("-", "_")
    return key if key.startswith("HTTP_") or key == "REMOTE_ADDR" else "HTTP_" + key


# The client address for the lockout: REMOTE_ADDR unless a trusted reverse proxy sets this header;
# COUNT = how many trusted proxies append to it (the client is the COUNT-th entry from the right).
OHSTEWARD_TRUSTED_PROXY_HEADER = _meta_header(os.environ.get("OHSTEWARD_TRUSTED_PROXY_HEADER", ""))
OHSTEWARD_TRUSTED_PROXY_COUNT = int(os.environ.get("OHSTEWARD_TRUSTED_PROXY_COUNT", "1"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the app folders (USE_FINDERS) and warns when STATIC_ROOT is missing.
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # pragma: no cover - read-only data dir: collectstatic will say so
    pass
# Production (not debug, not the test suite): `ohsteward serve` runs collectstatic at start, which
# writes hashed, gzip- and brotli-compressed copies; WhiteNoise serves them with a far-future,
# immutable Cache-Control (the name changes when the content does). Debug and tests serve the
# source files through the finders.
STATIC_MANIFEST = env_bool("OHSTEWARD_STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = DATA_DIR / "media"

# `ohsteward serve` runs several worker processes: what one process counts (login failures) or
# keeps (list counts) must be seen by the others, so outside the test suite the cache is a
# directory in the data dir, shared by the processes of one machine.
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
# Lists keep the total count of a query (same jurisdiction, filters, search) this many seconds
# instead of counting again for every page (core/pagination.py); 0 = count every time.
OHSTEWARD_LIST_COUNT_CACHE_SECONDS = int(
    os.environ.get("OHSTEWARD_LIST_COUNT_CACHE_SECONDS", "0" if TESTING else "30")
)

# `ohsteward serve` (docs/configuration.md): gunicorn worker processes (0 = 2 × CPU cores), threads
# per worker (empty = 1 for gunicorn, 8 for waitress) and the seconds a request may take before
# gunicorn replaces the worker (large imports through the web run inside a request).
OHSTEWARD_WORKERS = int(os.environ.get("OHSTEWARD_WORKERS", "0") or 0)
OHSTEWARD_THREADS = int(os.environ.get("OHSTEWARD_THREADS", "0") or 0) or None
OHSTEWARD_WORKER_TIMEOUT = int(os.environ.get("OHSTEWARD_WORKER_TIMEOUT", "300") or 300)

# Uploads: spreadsheets are read in memory; the limit is stated to users on the import page.
# The indicator bulletin's .docx template (docxtpl); empty: the shipped
# indicators/templates_docx/bulletin.docx (placeholders: docs/configuration.md)
OHSTEWARD_BULLETIN_TEMPLATE = os.environ.get("OHSTEWARD_BULLETIN_TEMPLATE", "")
OHSTEWARD_MAX_UPLOAD_MB = int(os.environ.get("OHSTEWARD_MAX_UPLOAD_MB", "20"))
OHSTEWARD_MAX_IMPORT_ROWS = int(os.environ.get("OHSTEWARD_MAX_IMPORT_ROWS", "200000"))
# Spreadsheet reader limits (issue 6 items 2 and 8; docs/configuration.md): checked before a file is read.
OHSTEWARD_MAX_SHEET_ROWS = int(os.environ.get("OHSTEWARD_MAX_SHEET_ROWS", "500000"))
OHSTEWARD_MAX_SHEET_COLUMNS = int(os.environ.get("OHSTEWARD_MAX_SHEET_COLUMNS", "200"))
OHSTEWARD_MAX_SHEET_CELLS = int(os.environ.get("OHSTEWARD_MAX_SHEET_CELLS", "20000000"))
OHSTEWARD_MAX_UNCOMPRESSED_MB = int(os.environ.get("OHSTEWARD_MAX_UNCOMPRESSED_MB", "400"))
OHSTEWARD_MAX_COMPRESSION_RATIO = int(os.environ.get("OHSTEWARD_MAX_COMPRESSION_RATIO", "200"))
OHSTEWARD_MAX_CELL_CHARS = int(os.environ.get("OHSTEWARD_MAX_CELL_CHARS", "32767"))
DATA_UPLOAD_MAX_MEMORY_SIZE = OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# How long an uploaded import file waits on the server for its confirmation (core.imports.UploadStash).
OHSTEWARD_UPLOAD_TTL_SECONDS = int(os.environ.get("OHSTEWARD_UPLOAD_TTL_SECONDS", str(24 * 3600)))
# Filter drop-downs say 全部 (not django-filter's "---------") for "no filter".
FILTERS_EMPTY_CHOICE_LABEL = "全部"

# Matching thresholds for source intake (declarations app); see docs/domain/matching.md.
OHSTEWARD_MATCH_FUZZY_ACCEPT = float(os.environ.get("OHSTEWARD_MATCH_FUZZY_ACCEPT", "0") or 0) or None
OHSTEWARD_MATCH_FUZZY_REVIEW = float(os.environ.get("OHSTEWARD_MATCH_FUZZY_REVIEW", "0") or 0) or None

# 年度更新 of declarations is a local rule (RULES.md §8.1 [?]): "MM-DD" = due every year on that day,
# empty = no annual update required.
OHSTEWARD_DECLARATION_ANNUAL_UPDATE = os.environ.get("OHSTEWARD_DECLARATION_ANNUAL_UPDATE", "")

# Background jobs (docs/decisions/0003-background-jobs.md): django-tasks with the database backend
# by default (SQLite and PostgreSQL alike, worker: `ohsteward worker`, embedded in `serve`/`demo`).
# OHSTEWARD_TASKS_BACKEND: "database" (default), "immediate" (run inside the request; the test
# suite's default), "rq" (django-tasks-rq, needs Redis), "celery" (django-tasks-fennel, works on Django 5.2) or the
# dotted path of any django-tasks backend class.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
    "celery": "django_tasks_fennel.CeleryBackend",
}
OHSTEWARD_TASKS_BACKEND = os.environ.get("OHSTEWARD_TASKS_BACKEND", "") or (
    "immediate" if TESTING else "database"
)
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(OHSTEWARD_TASKS_BACKEND, OHSTEWARD_TASKS_BACKEND),
        "QUEUES": ["default"],
    }
}
# Inputs larger than this many rows run as a background job with a progress page; smaller ones inline.
OHSTEWARD_JOB_THRESHOLD_ROWS = int(os.environ.get("OHSTEWARD_JOB_THRESHOLD_ROWS", "5000"))
# A running job whose heartbeat is older than this (or whose worker process is gone) was interrupted.
OHSTEWARD_JOB_STALE_SECONDS = int(os.environ.get("OHSTEWARD_JOB_STALE_SECONDS", "120"))
# Uploads waiting for a decision (column mapping, import confirmation, job inputs) are deleted after this.
OHSTEWARD_UPLOAD_TTL_HOURS = float(os.environ.get("OHSTEWARD_UPLOAD_TTL_HOURS", "24"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ohsteward.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ohsteward.core.api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "ohsteward.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ohsteward.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "ohsteward.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ohsteward.core.api.exceptions.exception_handler",
}
# The API docs' groups: the app of an endpoint's view → (tag, description), in the order shown
# (api/schema.py tags each operation by its view's app).
OHSTEWARD_API_TAGS = {
    "registry": (
        "用人单位名录",
        "用人单位（按统一社会信用代码）、行政区划（区县、乡镇街道、功能区）和国民经济行业分类。"
        "区县用户只能读写本辖区的单位。",
    ),
    "hazards": (
        "危害因素与职业病目录",
        "职业病危害因素分类目录、职业接触限值（按版本）和职业病分类目录（参考数据；疾控中心和市级用户可导入接触限值版本）。",
    ),
    "intake": (
        "多源数据汇聚",
        "来源批次（体检、检测、执法、举报等名单）的导入与数据行、待人工核对队列和单位合并。",
    ),
    "declarations": ("名单与申报", "职业病危害用人单位名单（区县核实结果）和职业病危害项目申报记录。"),
    "stewardship": (
        "管家服务",
        "管家服务团队（五师两员）、服务协议（内容、期限、筹资、续签、解除）和服务日程与记录。"
        "团队成员只能看到本团队服务的单位。"
        "培训（trainings）和培训记录（training-records）：管家团队为服务单位、用人单位为本单位登记。"
        "培训需求（training-needs，只读）：服务发现问题提出的培训需求及其状态（待培训、已逾期、已培训）。",
    ),
    "institutions": (
        "技术服务机构",
        "技术服务机构名录（资质、人员、外省机构质量控制号）、服务对象、质控检查、能力验证结果和三色等级。"
        "机构用户只能看到本机构及其服务对象。",
    ),
    "monitoring": (
        "工作场所危害因素监测",
        "检测报告、岗位×危害因素的检测结果及系统判定（C_TWA、接触水平、符合与否、作业分级、所用限值版本）、"
        "超标整改任务和定期检测到期；机构用户只能为其服务的用人单位录入。"
        "另有接触评价计算器（C_TWA、C_STE、峰接触、噪声、高温，按检测日期选用限值版本）和相似接触组统计"
        "（低于检出限按删失数据最大似然估计），不保存记录，任何已登录用户可用。",
    ),
    "interdept": (
        "部门共享名单",
        "其他部门提供的名单：工伤保险参保（人力社保部门，按用人单位和日期的参保人数）、健康企业命名、"
        "职业健康达人/安康之星（只保存姓名）。按管辖范围读取、导出；`import/` 试导入或导入 .xlsx。",
    ),
    "library": (
        "法律法规标准库",
        "法律、法规、规章、规范性文件和标准：文号、日期、现行/废止、简要解读（只读）。",
    ),
    "supervision": (
        "分类监督执法",
        "职业病危害综合风险评估（国疾控综监督二函〔2022〕50号：风险等级Ⅰ/Ⅱ/Ⅲ、管理状况A/B/C、综合风险类别甲/乙/丙，"
        "甲类风险最低）、职业卫生管理自查、年度监督检查计划（双随机）、监督检查与执法案件。未核对的规则逐项标注。",
    ),
    "surveillance": (
        "职业健康监护",
        "劳动者（身份证号加密存储、脱敏显示）、岗位经历与接害工龄、按 GBZ 188 计算的体检周期和应检名单。"
        "用人单位只能看到本单位的劳动者，体检机构看到其服务单位的花名册。"
        "体检结果（体检机构上传，每个危害因素一条结论 a–e）、复查/调岗/诊断任务和职业病诊断个案（法定时限）；"
        "用人单位看结论，不看异常项目。"
        "慢病筛查与随访、尘肺病患者登记（只读，按管辖范围，可导出）。",
    ),
    "indicators": (
        "指标与目标",
        "指标库（定义、分子分母查询、单位、依据、方向、按层级和期间的目标）、按区域和期间实时计算的指标值"
        "（`indicator`、`region`、`period`、`numerator`、`denominator`、`value`、`target`、`met`）及其背后的记录。"
        "尚无数据来源的指标 `value` 为 null 并给出 `no_data` 原因，不显示 0。",
    ),
    "core": (
        "后台任务",
        "大文件导入、数据汇聚、名单生成和大量导出在后台运行：查看进度和结果、下载文件、失败后重试。",
    ),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ohsteward API",
    "TAGS": [{"name": name, "description": text} for name, text in OHSTEWARD_API_TAGS.values()],
    "DESCRIPTION": "职业健康管家服务平台 REST API。认证：请求头 `Authorization: Bearer <令牌>`（在“API 令牌”页面生成）。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "RiskClassEnum": "ohsteward.registry.choices.RiskClass",
        "SourceRowStatusEnum": "ohsteward.intake.choices.RowStatus",
        "SourceKindEnum": "ohsteward.intake.choices.SourceKind",
        "DeclarationKindEnum": "ohsteward.declarations.choices.DeclarationKind",
        "EntryStatusEnum": "ohsteward.declarations.choices.EntryStatus",
        "DeclarationStatusEnum": "ohsteward.declarations.choices.DeclarationStatus",
    },
}

# Hardened settings when not in debug.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not DEMO and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("OHSTEWARD_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("OHSTEWARD_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("OHSTEWARD_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("OHSTEWARD_HSTS_SECONDS", "0"))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (web.middleware): scripts only from this site or nonce-marked inline blocks;
# inline style attributes stay allowed (they cannot run code). Empty = no header.
OHSTEWARD_CSP = os.environ.get(
    "OHSTEWARD_CSP",
    (
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)
OHSTEWARD_CSP_REPORT_ONLY = env_bool("OHSTEWARD_CSP_REPORT_ONLY")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag instead

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_forbidden": {"()": "ohsteward.core.logging.QuietForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_forbidden"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("OHSTEWARD_LOG_LEVEL", "WARNING")},
}

# The online service zone: an expert question is due this many working days (Mon–Fri) after it is
# asked (a service commitment of the platform, not a figure of the seeds; stewardship/zone/rules.py).
OHSTEWARD_EXPERT_ANSWER_DAYS = int(os.environ.get("OHSTEWARD_EXPERT_ANSWER_DAYS", "5"))
# Personal dose monitoring (issue 12 item 8): the investigation level in mSv per quarter (未核对;
# surveillance/dose/rules.py); unset: 1.25 mSv.
OHSTEWARD_DOSE_INVESTIGATION_MSV = os.environ.get("OHSTEWARD_DOSE_INVESTIGATION_MSV", "")
# 医用 / 非医用 radiation workers (seed 002's 非医疗放射工作人员 target; surveillance/dose/rules.py):
# "employer" (default) — by the employer's industry (门类 Q 卫生和社会工作 = medical); "worker" — the
# worker's recorded 放射工作类别 first, the employer's industry when it is not recorded.
OHSTEWARD_DOSE_MEDICAL_BASIS = os.environ.get("OHSTEWARD_DOSE_MEDICAL_BASIS", "employer")

"""What each role may do: one readable matrix, turned into one Django Group per role.

Letters per model: v = view, a = add, c = change, d = delete. Columns are the roles in ``ROLES``.
Where a role works (its jurisdiction) is decided elsewhere (``jurisdiction.py``, ``scopes.py``);
this file only says what kind of thing it may do there.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from ohsteward.accounts.choices import Role

ROLES = (
    Role.CITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.CDC_STAFF,
    Role.INSTITUTION_STAFF,
    Role.STEWARD_MEMBER,
    Role.ENTERPRISE_MANAGER,
)
_ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

# model                                 city     district  cdc      inst   steward  manager
MATRIX: dict[str, tuple[str, str, str, str, str, str]] = {
    # reference data
    "registry.region": ("v", "v", "v", "v", "v", "v"),
    "registry.industry": ("v", "v", "v", "v", "v", "v"),
    "hazards.hazardfactor": ("v", "v", "v", "v", "v", "v"),
    # the CDC and the city import limit editions (GBZ 2.1 表1/表2, amendments; issue 11 item 7)
    "hazards.exposurelimit": ("vac", "v", "vac", "v", "v", "v"),
    "hazards.exposurelimitedition": ("vac", "v", "vac", "v", "v", "v"),
    "hazards.occupationaldisease": ("v", "v", "v", "v", "v", "v"),
    # the register: an employer keeps its own record and posts up to date but registers no other
    "registry.enterprise": ("vac", "vac", "vac", "v", "v", "vc"),
    "registry.workplace": ("vacd", "vacd", "vacd", "v", "v", "vacd"),
    "registry.post": ("vacd", "vacd", "vacd", "v", "v", "vacd"),
    "registry.postexposure": ("vacd", "vacd", "vacd", "v", "v", "vacd"),
    # an employer's status/industry change requests: regulators decide (issue 6 item 5)
    "registry.enterprisechangerequest": ("vc", "vc", "vc", "", "", "v"),
    # intake of other departments' lists
    "intake.sourcebatch": ("va", "va", "va", "", "", ""),
    "intake.sourcerow": ("vc", "vc", "vc", "", "", ""),
    # declarations and the expansion campaign; 001 附件2 item 11: technical support institutions
    # and the stewards do 入户指导 visits too
    "declarations.declaration": ("vac", "vac", "vac", "v", "v", "va"),
    "declarations.hazardlistentry": ("vc", "vc", "vc", "v", "v", ""),
    "declarations.guidancevisit": ("va", "va", "va", "va", "va", ""),
    "declarations.notice": ("va", "va", "va", "", "", ""),
    "declarations.spotcheck": ("vac", "vac", "vac", "", "", ""),
    # organisations whose clients are a jurisdiction
    "institutions.institution": ("vac", "v", "vac", "v", "", ""),
    # institution quality compliance (issue 9): the city and the city CDC keep the register and run
    # QC, proficiency tests and grading; districts read what concerns their area; an institution
    # reads its own records
    "institutions.qualification": ("vacd", "v", "vacd", "v", "", ""),
    "institutions.staffmember": ("vacd", "v", "vacd", "v", "", ""),
    "institutions.qcplan": ("vac", "v", "vac", "", "", ""),
    "institutions.qcinspection": ("vac", "v", "vac", "v", "", ""),
    "institutions.rectification": ("vac", "v", "vac", "v", "", ""),
    "institutions.proficiencyround": ("vac", "v", "vac", "v", "", ""),
    "institutions.proficiencyresult": ("vac", "v", "vac", "v", "", ""),
    "institutions.institutiongrade": ("vac", "v", "vac", "v", "", ""),
    # issue 9 items 5, 8, 9: performance evaluation (the city CDC), the QC ↔ enforcement ledger
    # (city and district supervision; never the institution), technical guidance at employers
    # (district CDCs and public institutions)
    "institutions.performanceevaluation": ("vac", "v", "vac", "v", "", ""),
    "institutions.referral": ("vac", "vac", "vac", "", "", ""),
    "institutions.technicalguidance": ("vac", "vac", "vac", "vac", "", ""),
    # report cards (issue 9 item 3): created by the apps that record activities; filed (change)
    # by the institution, or recorded by the city
    "institutions.reportcard": ("vc", "v", "vc", "vc", "", ""),
    # the steward service (issue 10): districts form teams and register agreements; a team
    # renews, records its visits and moves them; the employer confirms and rates each visit
    "stewardship.stewardteam": ("vac", "vac", "v", "", "v", "v"),
    "stewardship.serviceagreement": ("vac", "vac", "v", "", "vac", "v"),
    "stewardship.servicevisit": ("vac", "vac", "v", "", "vac", "vc"),
    # SME assistance (issue 10 item 5, 001 附件3): districts set plans and enrol employers; the
    # assigned team records the six items; the employer reads its own entry
    "stewardship.assistanceplan": ("vac", "vac", "v", "", "", ""),
    "stewardship.assistanceentry": ("vac", "vac", "v", "", "vc", "v"),
    # workplace hazard monitoring (issue 11): institutions record reports for their clients;
    # regulators read them and open rectification tasks on over-limit posts; the employer reads
    # its own results and records the measures it took (change = add a measure)
    "monitoring.detectionreport": ("v", "v", "v", "vac", "v", "v"),
    "monitoring.measurement": ("v", "v", "v", "vac", "v", "v"),
    "monitoring.rectificationtask": ("vac", "vac", "v", "va", "v", "vc"),
    # training (issue 10 item 6): teams record for their clients, employers for themselves, the
    # CDC as trainer; districts and the city read. Lectures and questionnaires: the CDC and city
    "stewardship.trainingsession": ("v", "v", "vac", "", "vac", "vac"),
    "stewardship.trainee": ("v", "v", "vac", "", "vac", "vac"),
    "stewardship.trainingrecord": ("v", "v", "vac", "", "vac", "vac"),
    "stewardship.lecture": ("vac", "v", "vac", "", "v", "v"),
    "stewardship.lectureattempt": ("v", "v", "va", "", "va", "va"),
    "stewardship.questionnaire": ("vac", "v", "vac", "", "v", "v"),
    "stewardship.awarenessresponse": ("v", "v", "v", "", "v", "v"),
    # the regulations and standards library (issue 10 item 7): everyone reads, the city keeps it
    "library.regulation": ("vac", "v", "v", "v", "v", "v"),
    # other departments' lists (issue 14 item 5): regulators import them; an employer reads its own
    # rows, its steward team and institution their clients' (ADR 0013)
    "interdept.insurancerecord": ("vac", "vac", "v", "", "v", "v"),
    "interdept.healthyenterprise": ("vac", "vac", "v", "", "v", "v"),
    "interdept.personaward": ("vac", "vac", "v", "", "v", "v"),
    # the enterprise's online service zone (issue 10 item 7): the employer asks a team and asks
    # questions; the team decides and answers; the CDC answers employers without a team
    "stewardship.teamrequest": ("v", "v", "v", "", "vc", "va"),
    "stewardship.expertquestion": ("v", "v", "vc", "", "vc", "va"),
    # structured visit findings (issue 10 item 4) are written with the visit record
    "stewardship.visitfinding": ("vac", "vac", "v", "", "vacd", "v"),
    # a finding ticked "需培训" (issue 10 item 3): raised by whoever may change findings
    "stewardship.trainingneed": ("va", "va", "v", "", "va", "v"),
    # classified supervision (issue 13): employers fill self-inspections, teams and districts
    # review; assessments by regulators (and the employer for itself); plans, inspections, cases by regulators
    "supervision.checklistversion": ("vac", "v", "vac", "", "v", "v"),
    "supervision.selfinspection": ("vac", "vac", "vc", "", "vc", "vac"),
    "supervision.riskassessment": ("va", "va", "va", "", "va", "va"),
    "supervision.classfrequency": ("vac", "vac", "v", "", "", ""),
    "supervision.inspectionplan": ("va", "va", "v", "", "", ""),
    "supervision.inspection": ("vac", "vac", "v", "", "", "v"),
    "supervision.enforcementcase": ("vac", "vac", "v", "", "", "v"),
    "supervision.constructionproject": ("vac", "vac", "v", "v", "v", "vac"),
    # early warnings (issue 13 item 7) are derived rows, kept by supervision.warnings.refresh
    "supervision.earlywarning": ("v", "v", "v", "", "v", "v"),
    # stored cross-check findings (issue 9 item 6): the city CDC's QC team verifies, districts read
    # their own; institutions and employers reach the pages but see no row (regulators only: 404)
    "supervision.crosscheckfinding": ("vc", "v", "vc", "v", "", "v"),
    # health surveillance (issue 12): the employer keeps its roster and post history; its steward
    # team helps; an exam institution reads its clients' rosters and records acute exposures it
    # finds; regulators keep every roster in their area
    "surveillance.person": ("v", "v", "v", "v", "v", "v"),
    "surveillance.worker": ("vac", "vac", "vac", "v", "vac", "vac"),
    "surveillance.workerpost": ("vacd", "vacd", "vacd", "v", "vac", "vacd"),
    "surveillance.acuteexposure": ("vac", "vac", "vac", "va", "vac", "vac"),
    "surveillance.idnumberreveal": ("v", "v", "v", "", "", "v"),
    # exam results (issue 12 items 4–5): the exam institution uploads; the employer reads its
    # workers' conclusions (clinical details need CLINICAL_PERMISSION below); regulators see the
    # batch summaries (表5-1, aggregates), the tasks and the cases, not individual exams; the CDC
    # sees exams; the employer records reassignments; cases are moved on by the diagnosis
    # institution, the CDC and the regulators
    "surveillance.exambatch": ("v", "v", "v", "v", "v", "v"),
    "surveillance.exam": ("", "", "v", "va", "", "v"),
    "surveillance.examresult": ("", "", "v", "va", "", "v"),
    "surveillance.surveillancetask": ("v", "v", "v", "v", "v", "vc"),
    "surveillance.diseasecase": ("vc", "vc", "vc", "vc", "", "v"),
    # chronic disease screening and follow-up (issue 12 item 7, 001 附件3 二(二)8): done by the
    # steward team, an exam institution or the CDC; the employer and regulators read
    "surveillance.chronicscreening": ("v", "v", "va", "va", "va", "v"),
    "surveillance.chronicfollowup": ("v", "v", "va", "va", "va", "v"),
    # pneumoconiosis patients and rehabilitation stations (issue 12 item 6): regulators and the
    # CDC keep the register; the employer reads its former workers' entries
    "surveillance.pneumoconiosispatient": ("vac", "vac", "vac", "", "", "v"),
    "surveillance.patientfollowup": ("va", "va", "va", "", "", "v"),
    "surveillance.rehabstation": ("vac", "vac", "vac", "", "", ""),
    # personal dose monitoring (issue 12 item 8): the radiation technical service institution
    # uploads; the employer and regulators read
    "surveillance.doserecord": ("v", "v", "v", "va", "", "v"),
    # the trail and the users
    "core.auditlog": ("v", "v", "", "", "", ""),
    # the user-management page: city admins manage everybody, district admins their district's
    # users (access.user_q)
    "accounts.user": ("vac", "vac", "", "", "", ""),
    # indicators (issue 14): the city edits the library and targets; districts and the CDC read them
    "indicators.indicator": ("vc", "v", "v", "", "", ""),
    "indicators.target": ("vacd", "v", "v", "", "", ""),
    # a published period (发布, frozen figures): the city publishes; districts and the CDC read
    "indicators.indicatorsnapshot": ("va", "v", "v", "", "", ""),
    "indicators.indicatorsnapshotrow": ("v", "v", "v", "", "", ""),
    # the monthly dispatch (月调度): each district fills in its inputs, comments and problems
    "indicators.monthlydispatch": ("vac", "vac", "v", "", "", ""),
    "indicators.dispatchinput": ("vac", "vac", "v", "", "", ""),
}

# 有奖举报 (tip-off) reasons are the informant's lead: regulators only (issue 6 item 3).
TIPOFF_PERMISSION = "declarations.view_tipoff"

# Permissions that are not one of a model's four (custom Meta.permissions), per role.
# The full ID number of one worker (issue 12 item 2), each reveal recorded: regulators, the exam
# institution that must identify the person it examines, the employer for its own workers — not
# the steward team.
REVEAL_ID_PERMISSION = "surveillance.reveal_id_number"
# The abnormal items of an exam result (clinical details): the exam institution and the CDC only
# (issue 12 item 2: the employer sees conclusions, not clinical details).
CLINICAL_PERMISSION = "surveillance.view_clinical_details"
# Opening (开通) a worker's own login from the worker's page (issue 12 item 9): the employer for
# its workers, the district and the city for their employers' workers.
WORKER_LOGIN_PERMISSION = "surveillance.open_worker_login"
# The worker's own page and monitoring file (职业病防治法 第36条: 劳动者有权查阅、复印其本人职业健康
# 监护档案). The worker role has no column in the matrix: it reads no list of anything, only its
# own rows through the person jurisdiction — and all of its own exam results, clinical details
# included (they are the worker's).
OWN_RECORD_PERMISSION = "surveillance.view_own_record"

EXTRA: dict[str, list[str]] = {
    Role.CITY_ADMIN: [TIPOFF_PERMISSION, REVEAL_ID_PERMISSION, WORKER_LOGIN_PERMISSION],
    Role.DISTRICT_ADMIN: [TIPOFF_PERMISSION, REVEAL_ID_PERMISSION, WORKER_LOGIN_PERMISSION],
    Role.CDC_STAFF: [TIPOFF_PERMISSION, REVEAL_ID_PERMISSION, CLINICAL_PERMISSION],
    Role.INSTITUTION_STAFF: [REVEAL_ID_PERMISSION, CLINICAL_PERMISSION],
    Role.ENTERPRISE_MANAGER: [REVEAL_ID_PERMISSION, WORKER_LOGIN_PERMISSION],
    Role.WORKER: [OWN_RECORD_PERMISSION, CLINICAL_PERMISSION],
}


def role_permissions() -> dict[str, list[str]]:
    """``{role: ["app.codename", …]}`` from the matrix and ``EXTRA``."""
    out: dict[str, list[str]] = {str(role): [] for role in (*ROLES, Role.WORKER)}
    for label, letters in MATRIX.items():
        app, model = label.split(".")
        for role, granted in zip(ROLES, letters, strict=True):
            out[str(role)] += [f"{app}.{_ACTIONS[letter]}_{model}" for letter in granted]
    for name, extra in EXTRA.items():
        out[name] += extra
    return out


ROLE_PERMISSIONS = role_permissions()
ROLE_GROUP_PREFIX = "role:"


def sync_role_groups(**kwargs) -> None:
    """Create/refresh one Group per role with its permissions (runs after every migrate)."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUP_PREFIX + role)
        group.permissions.set([perms[c] for c in codes if c in perms])

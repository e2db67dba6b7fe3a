"""The bench data, set-based: people, `count` cases over two years in every state, category and
severity, their deadlines and timelines, collection contacts, a few contingency activations and
the report summaries.

Personal data goes through the product's own encryption and blind index: a pool of distinct
values is encrypted in Python once and the rows pick from it in SQL (`hashint4(g) % <pool size>`):
one complainant for every CASES_PER_COMPLAINANT cases, over POOL accounts.
Indexes of the big tables are dropped before the inserts and built once afterwards, which is
several times faster than maintaining them row by row.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from datetime import timedelta

TEAM_CODES = ("team-a", "team-b")
POOL = 1000  # distinct accounts the cases and the collection contacts share
# Most complainants complain once, some again: a pool of 1,000 shared by a million cases gave every
# phone a thousand cases, and the planner's estimates followed (the import's repeat check walked
# 90 days of cases instead of probing the phone index).
CASES_PER_COMPLAINANT = 5
TWO_YEARS = 2 * 365 * 86400
STAGES = ["intake", "verify", "communicate", "resolve", "feedback", "follow_up", "closed"]
TRANSITIONS = ["start_verification", "complete_verification", "propose_resolution", "resolve",
               "record_feedback", "close"]
CHECK_ACCOUNT = "LN-BENCH-CHECK"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂兰",
         "建华", "志强"]


def people() -> dict:
    """Teams A and B; agents of each, their supervisor, an auditor, the call center's and the
    collection system's API clients, and a superuser for the activations; a token for each."""
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role
    from accounts.tokens import token_issue

    teams = {code: Team.objects.get_or_create(code=code, defaults={"name": code})[0] for code in TEAM_CODES}
    users = {}
    for username, role, team_codes in (
        ("agent", Role.AGENT, ("team-a",)),
        ("agent2", Role.AGENT, ("team-b",)),
        ("supervisor", Role.SUPERVISOR, TEAM_CODES),
        ("auditor", Role.AUDITOR, ()),
        ("callcenter", Role.API_CLIENT, ()),
        ("collection", Role.API_CLIENT, ()),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(Group.objects.get(name=role))
        user.teams.add(*(teams[c] for c in team_codes))
        users[username] = user
    users["admin"], _ = User.objects.get_or_create(username="admin", defaults={"is_superuser": True,
                                                                              "is_staff": True})
    tokens = {name: token_issue(user=user) for name, user in users.items() if name != "admin"}
    return {"teams": teams, "users": users, "tokens": tokens}


def _hash(salt: int, var: str = "g") -> str:
    return f"(hashint4({var} * 16 + {salt}) & 2147483647)"


def _pick(values: list[str], salt: int, var: str = "g") -> str:
    """SQL choosing one of `values` per row, spread by a hash of the row number."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"(ARRAY[{quoted}])[1 + {_hash(salt, var)} % {len(values)}]"


@contextmanager
def indexes_dropped(cur, *tables: str):
    """Drop the tables' plain indexes (not those backing constraints), rebuild them on exit."""
    definitions = []
    for table in tables:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        definitions += cur.fetchall()
    for name, _definition in definitions:
        cur.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in definitions:
        cur.execute(definition)


def complainant_pool_size(cases: int) -> int:
    return max(POOL, cases // CASES_PER_COMPLAINANT)


def pii_pool(size: int = POOL) -> list[tuple]:
    """`size` complainants: (name, phone, phone index, ID number, its index, account, its index),
    encrypted; complainant k holds account k % POOL."""
    from common.pii import blind_index, encrypt
    from complaints.validators import id_number_check_digit

    rng = random.Random(12)
    accounts = []
    for a in range(POOL):
        account = f"LN-{2020 + a % 6}-{a:05d}"
        accounts.append((encrypt(account), blind_index(account)))
    rows = []
    for k in range(size):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"13{rng.randrange(10**9):09d}"
        body = f"110101{rng.randrange(1960, 2003)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{k % 1000:03d}"
        id_number = body + id_number_check_digit(body)
        rows.append((k, encrypt(name), encrypt(phone), blind_index(phone), encrypt(id_number),
                     blind_index(id_number), *accounts[k % POOL]))
    return rows


def _pii_table(cur, size: int) -> None:
    """The temporary `bench_pii` table of `pii_pool(size)`, by COPY (hundreds of thousands of rows)."""
    import io

    cur.execute("CREATE TEMP TABLE bench_pii (k int PRIMARY KEY, name text, phone text, phone_index text, "
                "id_number text, id_index text, account text, account_index text)")
    # Tokens are base64 and indexes hex: nothing to escape for COPY's text format.
    data = io.StringIO("".join("\t".join(map(str, row)) + "\n" for row in pii_pool(size)))
    cur.copy_expert("COPY bench_pii FROM STDIN", data)


def case_texts() -> list[tuple[int, str, str]]:
    """(category id, summary, description) for every active category: the demo's complaint texts
    where it has them, else the category's own Chinese name and description."""
    from complaints.demo_data import COMPLAINTS
    from complaints.models import Category

    texts = []
    for category in Category.objects.filter(is_active=True):
        items = COMPLAINTS.get(category.code) or [
            (f"{category.name_zh}：客户投诉", category.description_zh or f"客户就{category.name_zh}提出投诉。"),
            (f"关于{category.name_zh}的投诉", f"客户来电反映{category.name_zh}问题，要求给予说明。"),
        ]
        texts += [(category.pk, summary[:200], description) for summary, description in items]
    return texts


def load(count: int, data: dict, *, timeline_days: int, contacts: int) -> dict[str, float]:
    """Everything but the people; returns seconds per phase."""
    from django.db import connection

    seconds: dict[str, float] = {}
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SET synchronous_commit = off")
        t = time.monotonic()
        with indexes_dropped(cur, "complaints_complaintcase", "timers_deadline", "complaints_caseevent",
                             "conduct_collectioncontact"):
            insert_cases(cur, count, data)
            seconds["cases"] = time.monotonic() - t
            t = time.monotonic()
            _deadlines(cur)
            seconds["deadlines"] = time.monotonic() - t
            t = time.monotonic()
            _timeline(cur, timeline_days)
            seconds["timeline"] = time.monotonic() - t
            t = time.monotonic()
            _contacts(cur, contacts, data)
            seconds["contacts"] = time.monotonic() - t
            t = time.monotonic()
        seconds["indexes"] = time.monotonic() - t
        t = time.monotonic()
        for table in ("complaints_complaintcase", "timers_deadline", "complaints_caseevent",
                      "conduct_collectioncontact"):
            cur.execute(f"VACUUM ANALYZE {table}")
        seconds["vacuum_analyze"] = time.monotonic() - t
    t = time.monotonic()
    _activations(data)
    seconds["activations"] = time.monotonic() - t
    t = time.monotonic()
    _summaries()
    seconds["summaries"] = time.monotonic() - t
    return seconds


def insert_cases(cur, count: int, data: dict) -> None:
    """`count` cases over two years (the rows only: no deadlines, timeline or indexes rebuilt)."""
    from complaints.choices import OPEN_STATES, Channel, CollectionChannel
    from complaints.models import ComplaintCase

    texts = case_texts()
    cur.execute("CREATE TEMP TABLE bench_texts (k int PRIMARY KEY, category_id bigint, summary text, description text)")
    cur.executemany("INSERT INTO bench_texts VALUES (%s, %s, %s, %s)", [(k, *t) for k, t in enumerate(texts)])
    complainants = complainant_pool_size(count)
    _pii_table(cur, complainants)
    team_a, team_b = (data["teams"][c].pk for c in TEAM_CODES)
    ids = {name: user.pk for name, user in data["users"].items()}
    recent = max(count * 60 // 730, 1)  # the last 60 days' cases are the open ones
    open_states = [str(s) for s in OPEN_STATES]
    source = (
        "(SELECT g, nextval(pg_get_serial_sequence('complaints_complaintcase', 'id')) AS id, "
        f"now() - interval '1 hour' - ({count} - g) * ({TWO_YEARS}.0 / {count}) * interval '1 second' AS recv, "
        f"CASE WHEN g > {count - recent} THEN {_pick(open_states * 2 + ['verify', 'communicate', 'follow_up'], 1)} "
        f"WHEN {_hash(2)} % 100 = 0 THEN 'follow_up' "
        f"ELSE {_pick(['closed'] * 9 + ['withdrawn'], 3)} END AS st "
        f"FROM generate_series(1, {count}) AS g) AS s "
        f"JOIN bench_texts t ON t.k = (hashint4(s.g) & 2147483647) % {len(texts)} "
        f"JOIN bench_pii p ON p.k = {_hash(8, 's.g')} % {complainants}"
    )
    closed = "st IN ('closed', 'withdrawn')"
    breached = f"st NOT IN ('closed', 'withdrawn') AND {_hash(4)} % 25 = 0"
    overrides = {
        "id": "id",
        "reference": "'TS' || to_char((recv + interval '1 minute') AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') "
        "|| lpad(id::text, greatest(7, length(id::text)), '0')",
        "state": "st",
        "category_id": "t.category_id",
        "severity": _pick(["low"] * 2 + ["normal"] * 12 + ["high"] * 4 + ["critical"] * 2, 5),
        "channel": _pick([str(Channel.PHONE)] * 6 + [str(c) for c in Channel], 6),
        "summary": "t.summary",
        "description": "t.description || "
        + _pick(["", "客户要求尽快处理。", "客户情绪激动，表示将向监管部门反映。", "已告知处理时限。", "客户提供了通话录音。"], 7),
        "received_at": "recv",
        "complainant_name": "p.name",
        "complainant_phone": "p.phone",
        "phone_index": "p.phone_index",
        "complainant_id_number": f"CASE WHEN {_hash(9)} % 3 = 0 THEN '' ELSE p.id_number END",
        "id_number_index": f"CASE WHEN {_hash(9)} % 3 = 0 THEN '' ELSE p.id_index END",
        "account_reference": "p.account",
        "account_index": "p.account_index",
        "collection_channel": _pick([str(c) for c in CollectionChannel] + [""], 10),
        "risk_flags": f"CASE WHEN {_hash(11)} % 100 < 3 THEN '[\"media_exposure\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 6 THEN '[\"regulator_referral\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 7 THEN '[\"litigation_threat\", \"media_exposure\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 8 THEN '[\"self_harm_risk\"]'::jsonb ELSE '[]'::jsonb END",
        "team_id": f"CASE WHEN g % 2 = 0 THEN {team_a} ELSE {team_b} END",
        "assignee_id": f"CASE WHEN st = 'intake' THEN NULL WHEN g % 2 = 0 THEN {ids['agent']} ELSE {ids['agent2']} END",
        "created_by_id": f"CASE WHEN {_hash(12)} % 3 = 0 THEN {ids['callcenter']} "
        f"WHEN g % 2 = 0 THEN {ids['agent']} ELSE {ids['agent2']} END",
        "is_repeat": f"{_hash(13)} % 10 = 0",
        "escalation_level": f"CASE WHEN {breached} THEN 2 ELSE 0 END",
        "is_breached": breached,
        "verification_finding": f"CASE WHEN st IN ('intake', 'verify') THEN '' ELSE "
        f"{_pick(['substantiated', 'partially_substantiated', 'unsubstantiated'], 14)} END",
        "satisfaction": f"CASE WHEN st = 'closed' THEN 1 + {_hash(15)} % 5 END",
        "accepted": f"CASE WHEN st = 'closed' THEN {_hash(15)} % 5 > 0 END",
        "reopen_count": f"CASE WHEN st = 'closed' AND {_hash(16)} % 20 = 0 THEN 1 ELSE 0 END",
        "resolved_at": f"CASE WHEN st = 'closed' THEN recv + (2 + {_hash(17)} % 20) * interval '1 day' END",
        "closed_at": f"CASE WHEN {closed} THEN recv + (3 + {_hash(17)} % 20) * interval '1 day' END",
        "created_at": "recv + interval '1 minute'",
        "updated_at": "recv + interval '1 minute'",
    }
    _insert_select(cur, ComplaintCase, overrides, source)
    cur.execute("DROP TABLE bench_texts")
    cur.execute("DROP TABLE bench_pii")


def _insert_select(cur, model, overrides: dict[str, str], source: str) -> None:
    """INSERT … SELECT: `overrides` maps a column to an SQL expression over `source`; every
    other column gets the field's default; generated columns are left to the database."""
    from django.db import connection

    columns, expressions, params = [], [], []
    for f in model._meta.concrete_fields:
        if getattr(f, "generated", False) or (f.primary_key and f.column not in overrides):
            continue
        columns.append(f'"{f.column}"')
        if f.column in overrides:
            expressions.append(overrides[f.column].replace("%", "%%"))
        else:
            expressions.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    cur.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                f"SELECT {', '.join(expressions)} FROM {source.replace('%', '%%')}", params)


def _deadlines(cur) -> None:
    """A final-answer deadline per case: met (one in ten late) for closed cases; for open ones
    due in the future (or breached for the breached cases), so that a sweep finds nothing due."""
    from django.contrib.contenttypes.models import ContentType

    from complaints.models import ComplaintCase

    cur.execute(
        "INSERT INTO timers_deadline (content_type_id, object_id, kind, state, started_at, due_at, warn_at, "
        "next_check_at, breached, met_at, escalation_level, created_at) "
        "SELECT %s, id, 'final_answer', state, received_at, due, due - interval '4 days', "
        "CASE WHEN state = 'pending' THEN greatest(due - interval '4 days', now() + interval '1 hour') END, "
        "is_breached, CASE WHEN state = 'met' THEN met END, escalation_level, created_at FROM ("
        "  SELECT id, received_at, created_at, is_breached, escalation_level, "
        "    CASE WHEN closed_at IS NOT NULL THEN 'met' WHEN is_breached THEN 'breached' ELSE 'pending' END AS state, "
        "    CASE WHEN closed_at IS NOT NULL OR is_breached THEN received_at + interval '15 days' "
        "         ELSE greatest(received_at + interval '15 days', "
        "                       now() + (1 + (hashint4(id::int) & 2147483647) %% 14) * interval '1 day' "
        # Spread over the day, as receipt times spread them: no thousands of equal due times.
        "                       + ((hashint4(id::int + 7) & 2147483647) %% 86400) * interval '1 second') END AS due, "
        "    CASE WHEN (hashint4(id::int + 3) & 2147483647) %% 10 = 0 THEN received_at + interval '17 days' "
        "         ELSE least(closed_at, received_at + interval '15 days') END AS met "
        "  FROM complaints_complaintcase) AS c",
        [ContentType.objects.get_for_model(ComplaintCase).pk],
    )


def _timeline(cur, days: int) -> None:
    """`created` for every case; for the cases of the last `days` days one transition per stage
    they passed, 2–50 hours apart (the dashboard's stage medians read those)."""
    states = ", ".join(f"'{s}'" for s in STAGES)
    transitions = ", ".join(f"'{t}'" for t in TRANSITIONS)
    cur.execute(
        f"""
        WITH c AS (
            SELECT id, received_at, state, created_by_id,
                   CASE WHEN received_at < now() - interval '{days} days' THEN 0
                        WHEN state = 'withdrawn' THEN 1
                        ELSE array_position(ARRAY[{states}], state::text) - 1 END AS steps
            FROM complaints_complaintcase
        ), e AS (
            SELECT c.id AS case_id, k, c.state, c.created_by_id, c.received_at
                   + (SELECT coalesce(sum(2 + (hashint4(c.id::int * 8 + j) & 2147483647) % 48), 0)
                      FROM generate_series(1, k) AS j) * interval '1 hour' AS at
            FROM c, generate_series(0, c.steps) AS k
        )
        INSERT INTO complaints_caseevent (case_id, kind, at, actor_id, transition, from_state, to_state, summary, data)
        SELECT case_id,
               CASE WHEN k = 0 THEN 'created' ELSE 'transition' END,
               least(at, now()),
               created_by_id,
               CASE WHEN k = 0 THEN '' WHEN state = 'withdrawn' THEN 'withdraw' ELSE (ARRAY[{transitions}])[k] END,
               CASE WHEN k = 0 THEN '' ELSE (ARRAY[{states}])[k] END,
               CASE WHEN k = 0 THEN 'intake' WHEN state = 'withdrawn' THEN 'withdrawn'
                    ELSE (ARRAY[{states}])[k + 1] END,
               CASE WHEN k = 0 THEN '受理投诉' ELSE '' END, '{{}}'::jsonb
        FROM e
        """.replace("%", "%%"),
        [],
    )


def _contacts(cur, count: int, data: dict) -> None:
    """`count` collection contacts over the pool's accounts in the last 60 days, from the
    collection system's client."""
    from conduct.models import CollectionContact

    if count <= 0:
        return
    _pii_table(cur, POOL)
    channel = _pick(["call"] * 8 + ["sms", "visit", "letter"], 1)
    overrides = {
        "client_id": str(data["users"]["collection"].pk),
        "source_id": "'LOAD-' || g",
        "account_reference": "p.account",
        "account_index": "p.account_index",
        "at": f"now() - {_hash(2)} % (60 * 86400) * interval '1 second'",
        "channel": channel,
        "direction": f"CASE WHEN {_hash(3)} % 10 = 0 THEN 'inbound' ELSE 'outbound' END",
        "outcome": f"CASE WHEN {channel} = 'call' THEN "
        f"{_pick(['answered', 'unanswered', 'unanswered', 'busy', 'refused'], 4)} ELSE 'delivered' END",
        "party": _pick(["debtor"] * 12 + ["guarantor", "spouse", "relative", "employer", "third_party"], 5),
        "contacted_number": "p.phone",
        "contacted_number_index": "p.phone_index",
        "collector": f"'催收员' || lpad(({_hash(6)} % 200)::text, 3, '0')",
        "agency": f"'资产管理公司' || lpad(({_hash(7)} % 20)::text, 2, '0')",
        "created_at": "now()",
    }
    _insert_select(cur, CollectionContact, overrides,
                   f"generate_series(1, {count}) AS g JOIN bench_pii p ON p.k = {_hash(8)} % {POOL}")
    cur.execute("DROP TABLE bench_pii")


def _activations(data: dict) -> None:
    """One manual activation of each seeded playbook, for five open cases each (the service)."""
    from complaints.models import ComplaintCase
    from contingency.models import Playbook
    from contingency.services.activations import activation_create_manual

    open_ids = list(ComplaintCase.objects.filter(state="verify").order_by("-received_at")
                    .values_list("id", flat=True)[:200])
    for i, playbook in enumerate(Playbook.objects.order_by("pk")):
        ids = open_ids[i * 5:(i + 1) * 5]
        if ids:
            activation_create_manual(actor=data["users"]["admin"], playbook_id=playbook.pk, case_ids=ids,
                                     note="压测：人工启动应急预案")


def _summaries() -> None:
    import io

    from django.core.management import call_command

    call_command("refresh_reports", days=90, verbosity=0, stdout=io.StringIO())


def conduct_check_rows(contacts: int) -> list[dict]:
    """API-shaped contacts of CHECK_ACCOUNT in the window of a case received yesterday: a month of
    daytime calls and SMS to three numbers, a handful at night and one to the employer (a few
    breaches, as a typical complaint has)."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    rng = random.Random(5)
    numbers = [f"139{rng.randrange(10**8):08d}" for _ in range(3)]
    local_now = timezone.now().astimezone(ZoneInfo("Asia/Shanghai"))
    rows = []
    for i in range(contacts):
        day = local_now - timedelta(days=1 + rng.randrange(29))
        at = day.replace(hour=9 + rng.randrange(11), minute=rng.randrange(60), second=0, microsecond=0)
        channel = "call" if rng.random() < 0.85 else "sms"
        rows.append({
            "source_id": f"CHECK-{i}", "account_reference": CHECK_ACCOUNT, "at": at.isoformat(), "channel": channel,
            "direction": "outbound", "party": "debtor", "contacted_number": rng.choice(numbers),
            "outcome": rng.choice(["answered", "unanswered"]) if channel == "call" else "delivered",
            "collector": f"催收员{rng.randrange(10):03d}", "agency": "资产管理公司01",
        })
    for i, row in enumerate(rows[:5]):
        row["at"] = (local_now - timedelta(days=3 + i)).replace(hour=23, minute=10).isoformat()
    if len(rows) > 5:
        rows[5]["party"] = "employer"
    return rows

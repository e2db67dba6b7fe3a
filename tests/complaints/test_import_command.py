"""manage.py import_cases: a JSON-lines or CSV file through the bulk intake, bad lines reported."""

import json

import pytest
from django.core.management import CommandError, call_command

from complaints.models import ComplaintCase
from tests.factories import case_payload

pytestmark = pytest.mark.django_db

CSV_HEADER = "idempotency_key,channel,category,summary,complainant.name,complainant.phone,risk_flags\n"


def run(path, *args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_cases", str(path), "--user", "agent", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_jsonl(tmp_path, lines):
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_jsonl_file_is_imported_and_its_bad_lines_named(tmp_path, agent):
    path = write_jsonl(
        tmp_path,
        [
            json.dumps(case_payload(idempotency_key="L1"), ensure_ascii=False),
            json.dumps(case_payload(summary=""), ensure_ascii=False),
            "{not json",
            json.dumps(case_payload(idempotency_key="L4", summary="第四行"), ensure_ascii=False),
        ],
    )

    out, err = run(path)

    assert ComplaintCase.objects.count() == 2
    assert "2 stored, 0 already imported, 2 refused (lines 2, 3)" in out
    assert "line 2: summary" in err


def test_a_file_imported_again_stores_its_keyed_lines_once(tmp_path, agent):
    path = write_jsonl(tmp_path, [json.dumps(case_payload(idempotency_key="L1"), ensure_ascii=False)])
    run(path)

    out, _ = run(path)

    assert ComplaintCase.objects.count() == 1
    assert "0 stored, 1 already imported, 0 refused" in out


def test_a_csv_file_with_flattened_columns_is_imported(tmp_path, agent):
    path = tmp_path / "cases.csv"
    path.write_text(
        CSV_HEADER
        + "C1,phone,collection_conduct,催收电话一天十几次,张三,13800001234,media_exposure;regulator_referral\n"
        + "C2,phone,collection_conduct,催收上门,李四,12,\n",
        encoding="utf-8",
    )

    out, err = run(path)

    case = ComplaintCase.objects.get()
    assert (case.summary, case.risk_flags) == ("催收电话一天十几次", ["media_exposure", "regulator_referral"])
    assert "1 stored, 0 already imported, 1 refused (lines 3)" in out
    assert "line 3: complainant.phone invalid_phone" in err


def test_the_errors_file_lists_each_refused_line(tmp_path, agent):
    path = write_jsonl(tmp_path, [json.dumps(case_payload(category="no_such"), ensure_ascii=False)])
    errors = tmp_path / "errors.jsonl"

    run(path, "--errors", str(errors))

    [row] = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert (row["line"], row["status"], row["errors"][0]["attr"]) == (1, 400, "category")


def test_batches_of_the_given_size_store_every_line(tmp_path, agent):
    path = write_jsonl(
        tmp_path, [json.dumps(case_payload(summary=f"投诉{i}"), ensure_ascii=False) for i in range(5)]
    )

    run(path, "--batch-size", "2")

    assert ComplaintCase.objects.count() == 5


def test_an_unknown_user_is_an_error(tmp_path, db):
    path = write_jsonl(tmp_path, [json.dumps(case_payload())])

    with pytest.raises(CommandError):
        run(path)

"""Demo playbooks from the source document (催收客诉处理和应急预案, 三、应急预案), in Chinese with English.

An active playbook for every complaint category (制定应急方案: 针对不同类型客诉，制定相应的应急方案，
包括处理流程、处理要点) triggering on a critical case and on the four serious risk flags, and one
mass-complaint playbook for every category triggering on 10 cases of one category in 60 minutes.
Steps follow 应急预案实施 (立即启动 → 根据投诉类型启动方案 → 协调各部门 → 跟踪 → 总结) and the
complaint process (接诉 → 核实 → 沟通 → 处理 → 反馈 → 跟踪). Durations are seconds.
"""

from django.db import migrations
from django.utils import timezone

H = 3600
SERIOUS_FLAGS = ["regulator_referral", "media_exposure", "self_harm_risk", "violence_threat"]

KEY_POINTS = [
    ("保持耐心：认真倾听客户诉求，避免情绪化。", "Be patient: listen carefully to what the customer asks and stay calm."),
    ("尊重客户：尊重客户权益和人格尊严，不得侮辱、威胁客户。",
     "Respect the customer: respect their rights and dignity; never insult or threaten them."),
    ("依法依规：严格按照法律法规和政策规定处理，确保处理结果合法合规。",
     "Follow the law: handle the case strictly by laws, regulations and policy, so the outcome is lawful."),
    ("保密原则：对客户个人信息进行保密，不得泄露给无关人员。",
     "Confidentiality: keep the customer's personal information secret; never disclose it to unrelated people."),
    ("及时反馈：对客户投诉及时处理，确保客户得到满意答复。",
     "Respond promptly: handle the complaint in time so that the customer gets a satisfactory answer."),
    ("信息共享：应急小组协调各部门共同处理，信息畅通、口径一致。",
     "Share information: the emergency group coordinates every department; one picture, one voice."),
]

# category code → (name zh, name en, extra key point (zh, en), specific step (dept, zh, en, instructions zh, en))
CATEGORY_PLANS = {
    "collection_conduct": (
        "催收方式不当应急方案", "Collection-conduct emergency playbook",
        ("立即停止过于强硬、频繁或影响客户正常生活的催收方式。",
         "Stop at once any collection that is too aggressive, too frequent or disrupts the customer's life."),
        ("collection_ops", "暂停涉事催收并调整催收方式", "Suspend the collection complained about and change the method",
         "通知催收团队和外包机构暂停对该客户的催收，限定联系时段和频次。",
         "Tell the collection team and agencies to pause collection on this customer; limit contact hours and frequency."),
    ),
    "fee_dispute": (
        "逾期费用异议应急方案", "Late-fee dispute emergency playbook",
        ("向客户说明逾期费用的计算方式和收费标准，依据合同约定处理。",
         "Explain how late fees are calculated and the rates applied; follow the contract."),
        ("risk", "复核逾期费用计算", "Recheck the late-fee calculation",
         "复核罚息、违约金的计算方式和标准，确认是否多收，评估减免方案。",
         "Recheck how penalty interest and fees were computed, whether too much was charged, and the waiver options."),
    ),
    "repayment_plan": (
        "还款计划异议应急方案", "Repayment-plan dispute emergency playbook",
        ("了解客户实际还款能力，在政策范围内寻求可承受的还款方案。",
         "Understand what the customer can really repay and look for a bearable plan within policy."),
        ("risk", "评估还款能力并研究调整还款计划", "Assess repayment capacity and study a plan adjustment",
         "评估客户收入和负债情况，提出延长期限、分期或停息挂账等可行方案。",
         "Assess income and debts; propose a longer term, instalments or suspended interest where possible."),
    ),
    "privacy": (
        "个人信息保护应急方案", "Personal-information emergency playbook",
        ("严格执行保密原则，立即控制个人信息可能的泄露范围。",
         "Apply confidentiality strictly and contain at once any possible leak of personal information."),
        ("it", "排查个人信息泄露途径并补救", "Trace how personal information leaked and remedy it",
         "检查系统访问日志和外包机构数据使用情况，封堵泄露途径，留存证据。",
         "Check system access logs and the agencies' use of data; close the leak and keep the evidence."),
    ),
    "wrong_information": (
        "催收信息错误应急方案", "Wrong collection information emergency playbook",
        ("以账务系统记录为准核实催收金额、还款期限和逾期利息。",
         "Verify amounts, due dates and overdue interest against the ledger."),
        ("it", "核对并更正催收信息", "Check and correct the collection information",
         "核对催收金额、还款期限、逾期利息与实际账务，更正错误并停止错误催收。",
         "Compare amounts, due dates and interest with the ledger; correct errors and stop wrong collection."),
    ),
    "staff_attitude": (
        "服务态度问题应急方案", "Staff-attitude emergency playbook",
        ("调取录音核实催收人员言行，对辱骂、威胁等行为零容忍。",
         "Check recordings of what the staff said; zero tolerance for insults or threats."),
        ("collection_ops", "调查涉事人员并落实整改", "Investigate the staff involved and put things right",
         "调取通话录音，约谈涉事催收人员，必要时停岗、更换人员并向客户致歉。",
         "Pull the call recordings, interview the collector; suspend or replace them if needed and apologise."),
    ),
    "business_process": (
        "业务办理问题应急方案", "Business-processing emergency playbook",
        ("查明业务办理流程中的问题环节，给出明确的办理时限和说明。",
         "Find the step of the process that failed; give a clear deadline and explanation."),
        ("compliance", "复核业务办理流程和结果", "Review the business process and its outcome",
         "复核信用卡办理、贷款审批等业务流程和结果，明确责任部门并加急处理。",
         "Review the card, loan or other process and its result; name the responsible department and expedite."),
    ),
    "other": (
        "其他投诉应急方案", "General complaint emergency playbook",
        ("明确牵头部门，避免推诿。", "Name one leading department; no passing the case around."),
        ("compliance", "明确责任部门并制定处理措施", "Name the responsible department and the measures",
         "分析投诉性质，指定牵头部门，制定处理措施。",
         "Analyse the complaint, appoint a leading department and decide the measures."),
    ),
}


def _step(order, dept, title, title_en, instructions, instructions_en, due_within, required=True):
    return {"order": order, "title": title, "title_en": title_en, "instructions": instructions,
            "instructions_en": instructions_en, "department": dept, "due_within": due_within,
            "required": required}


def category_steps(specific):
    dept, title, title_en, instr, instr_en = specific
    return [
        _step(1, "compliance", "启动应急响应，确认事件性质和影响范围", "Start the response; establish what happened and its reach",
              "应急小组接到投诉后立即启动应急响应机制，确认投诉类型、严重程度和涉及客户范围。",
              "On receiving the complaint the group starts the response at once: type, severity, customers affected.", 1 * H),
        _step(2, "collection_ops", "核实投诉事实", "Verify the facts",
              "调取催收记录、通话录音、客户信息和业务办理记录，判断投诉是否成立。",
              "Pull the collection records, recordings, customer and business records; decide whether it is substantiated.",
              4 * H),
        _step(3, "customer_service", "与客户沟通，了解诉求并解释政策", "Talk to the customer, learn the demand, explain policy",
              "耐心倾听客户诉求，解释相关政策和规定，安抚情绪，寻求解决方案。",
              "Listen patiently, explain the rules, calm the situation and look for a solution.", 4 * H),
        _step(4, dept, title, title_en, instr, instr_en, 8 * H),
        _step(5, "legal", "法律合规评估", "Legal and compliance assessment",
              "评估法律风险和监管报告义务，确保处理方案合法合规。",
              "Assess legal risk and reporting duties to the regulator; keep the solution lawful.", 8 * H),
        _step(6, "public_relations", "舆情监测与对外口径", "Watch media and agree the public line",
              "监测媒体和社交平台舆情，必要时统一对外口径。",
              "Watch media and social platforms; agree one public statement where needed.", 2 * H, required=False),
        _step(7, "customer_service", "落实解决方案并反馈客户", "Carry out the solution and tell the customer",
              "根据协商结果落实调整还款计划、减免费用、调整催收方式等措施，并将结果反馈客户。",
              "Carry out the agreed measures (plan adjustment, fee waiver, method change) and tell the customer.",
              24 * H),
        _step(8, "customer_service", "跟踪回访", "Follow up",
              "对处理结果进行跟踪回访，了解客户满意度，确保问题得到有效解决。",
              "Revisit the customer, learn their satisfaction and make sure the problem is solved.", 72 * H,
              required=False),
    ]


MASS = {
    "code": "mass_complaint",
    "name_zh": "群体性投诉应急方案",
    "name_en": "Mass-complaint emergency playbook",
    "key_point": ("同一类别短时间内集中投诉时，统一研判原因，统一处理口径，防止事态扩大。",
                  "When many complaints of one kind arrive at once: one analysis of the cause, one line, no escalation."),
    "steps": [
        _step(1, "compliance", "启动应急响应，研判群体性投诉原因", "Start the response; analyse the cause of the mass complaint",
              "汇总同类投诉，判断是否由同一催收策略、系统故障或外包机构引起。",
              "Gather the complaints; decide whether one collection strategy, a system fault or an agency caused them.", 1 * H),
        _step(2, "collection_ops", "暂停相关催收策略", "Suspend the collection strategy involved",
              "暂停可能引发集中投诉的催收批次、话术或外包机构作业。",
              "Pause the batches, scripts or agency work that may have caused the complaints.", 2 * H),
        _step(3, "it", "排查系统和数据问题", "Check systems and data",
              "排查催收系统、短信平台和账务数据是否存在批量错误。",
              "Check the collection system, SMS platform and ledger for errors in bulk.", 4 * H),
        _step(4, "public_relations", "统一对外口径并监测舆情", "Agree one public line and watch media",
              "制定统一答复口径，监测媒体和社交平台舆情。",
              "Write one standard answer; watch media and social platforms.", 2 * H),
        _step(5, "legal", "评估监管报告义务", "Assess reporting duties to the regulator",
              "评估是否需要向监管部门报告，准备报告材料。",
              "Decide whether the regulator must be told and prepare the report.", 8 * H),
        _step(6, "customer_service", "批量回复客户并跟踪", "Answer the customers and follow up",
              "按统一口径逐一回复客户，跟踪处理结果。",
              "Answer each customer in the agreed line and follow up on the outcome.", 24 * H),
    ],
}


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Playbook = apps.get_model("contingency", "Playbook")
    PlaybookVersion = apps.get_model("contingency", "PlaybookVersion")
    now = timezone.now()

    def ensure(code, category, name_zh, name_en, key_points, trigger, steps):
        playbook, created = Playbook.objects.get_or_create(
            code=code, defaults={"category": category, "name_zh": name_zh, "name_en": name_en}
        )
        if created or not PlaybookVersion.objects.filter(playbook=playbook).exists():
            PlaybookVersion.objects.create(
                playbook=playbook, number=1, status="active", activated_at=now, trigger=trigger, steps=steps,
                key_points=[zh for zh, _en in key_points], key_points_en=[en for _zh, en in key_points],
            )

    for category in Category.objects.filter(code__in=list(CATEGORY_PLANS)):
        name_zh, name_en, key_point, specific = CATEGORY_PLANS[category.code]
        ensure(category.code, category, name_zh, name_en, [*KEY_POINTS, key_point],
               {"min_severity": "critical", "risk_flags_any": SERIOUS_FLAGS}, category_steps(specific))
    ensure(MASS["code"], None, MASS["name_zh"], MASS["name_en"], [*KEY_POINTS, MASS["key_point"]],
           {"volume": {"count": 10, "window": H}}, MASS["steps"])


class Migration(migrations.Migration):
    dependencies = [("contingency", "0001_initial"), ("complaints", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

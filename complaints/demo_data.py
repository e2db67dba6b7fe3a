"""Demo data for `manage.py seed_demo`: users, teams and realistic Chinese complaints.

The complaint texts follow the source document's causes (客诉原因分析, 客诉分类): collection too
aggressive, disputed late fees, repayment pressure, leaked personal data, wrong amounts, rude
staff, botched business processes. Personal data here is invented: phone numbers and ID numbers
are generated, with valid check digits, from a fixed random seed.

Other apps add their own demo data (playbooks, the emergency group, ...) by registering a seeder
with `register_demo_seeder`; `complaints` never imports them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from accounts.roles import Role
from complaints.validators import id_number_check_digit

DEMO_PASSWORD = "demo-pass-123"
# Every demo case carries an external ID with this prefix: its presence means "already seeded".
DEMO_EXTERNAL_ID_PREFIX = "DEMO-"

TEAMS = [("team-a", "投诉处理一组"), ("team-b", "投诉处理二组")]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False


USERS = [
    DemoUser("agent", "李娜（投诉专员）", (Role.AGENT,), ("team-a",)),
    DemoUser("agent2", "王强（投诉专员）", (Role.AGENT,), ("team-b",)),
    DemoUser("supervisor", "陈静（主管）", (Role.SUPERVISOR,), ("team-a", "team-b"), is_staff=True),
    DemoUser("lead", "赵明（应急小组组长）", (Role.EMERGENCY_LEAD,)),
    DemoUser("member", "孙丽（应急小组成员）", (Role.EMERGENCY_MEMBER,)),
    DemoUser("auditor", "周敏（合规审计）", (Role.AUDITOR,), is_staff=True),
    DemoUser("callcenter", "呼叫中心系统", (Role.API_CLIENT,)),
    DemoUser("admin", "系统管理员", is_staff=True, is_superuser=True),
]

# Categories whose API-created cases go to team B; the rest to team A.
TEAM_B_CATEGORIES = {"fee_dispute", "wrong_information", "business_process", "other"}

# (summary, description) per category code.
COMPLAINTS: dict[str, list[tuple[str, str]]] = {
    "collection_conduct": [
        ("催收方式过于强硬", "客户反映催收人员语气强硬，多次以“上门”“起诉”相威胁，影响其正常生活和工作。"),
        ("催收电话一天十几次", "客户称一天内接到十几个催收电话，早上七点前和晚上十点后仍有来电。"),
        ("催收人员上门影响家人", "催收人员未经预约上门，在小区内大声催讨，客户家人和邻居因此受到惊扰。"),
        ("催收短信内容带有威胁", "客户收到的催收短信中出现“后果自负”等措辞，认为带有恐吓性质。"),
        ("催收电话打到单位", "催收人员多次拨打客户单位座机，向同事询问客户欠款情况，影响其工作。"),
        ("夜间频繁催收", "客户反映连续一周在晚上十一点后接到催收电话，严重影响休息。"),
    ],
    "fee_dispute": [
        ("逾期费用计算方式有疑问", "客户对逾期费用的计算方式和收费标准存在疑问，要求提供明细。"),
        ("逾期仅三天却收取高额违约金", "客户因系统扣款失败逾期三天，被收取违约金和罚息，认为收费过高。"),
        ("罚息重复计算", "客户认为账单中罚息与违约金重复计收，要求核实并退还多收部分。"),
        ("要求减免逾期费用", "客户因住院导致还款逾期，提供了病历，希望减免逾期产生的费用。"),
        ("费用标准与合同约定不一致", "客户称实际收取的逾期利率高于借款合同约定的标准。"),
    ],
    "repayment_plan": [
        ("还款压力过大", "客户失业后收入骤减，现有还款计划压力过大，希望延长期限、降低月供。"),
        ("申请分期还款被拒", "客户多次申请将欠款分期偿还，均被催收人员以“系统不支持”拒绝。"),
        ("还款计划调整后仍无法承受", "客户已调整过一次还款计划，但月供仍超过其收入的一半，请求再次协商。"),
        ("希望停息挂账", "客户因经营困难申请停息挂账，对目前的还款安排不满意。"),
        ("提前还款手续不清", "客户希望一次性结清，但对结清金额和减免政策说明不清楚不满。"),
    ],
    "privacy": [
        ("个人信息被泄露", "客户担心个人信息在催收过程中被泄露，称有陌生人知道其借款金额。"),
        ("催收人员联系通讯录亲友", "催收人员联系了客户通讯录中的亲友并告知欠款情况，客户认为侵犯隐私。"),
        ("第三方催收公司掌握详细信息", "客户质疑为何外包催收公司掌握其身份证号和家庭住址。"),
        ("欠款信息被发到家族群", "客户称有人将其欠款信息发到亲属微信群，怀疑与催收有关。"),
    ],
    "wrong_information": [
        ("催收金额与实际不符", "客户称催收通知中的欠款金额比其账单显示的多出一千余元。"),
        ("已还款仍被催收", "客户已于上月结清欠款并有还款凭证，但仍持续收到催收电话。"),
        ("还款期限通知错误", "催收短信中的还款截止日与合同约定不符，导致客户误以为已经逾期。"),
        ("逾期天数计算错误", "客户认为系统记录的逾期天数有误，节假日顺延未被计算在内。"),
        ("催收对象错误", "客户并非借款人，却因号码曾被他人使用而持续接到催收电话。"),
    ],
    "staff_attitude": [
        ("催收人员态度恶劣", "客户反映催收人员在通话中态度恶劣，使用侮辱性语言。"),
        ("客服沟通不畅", "客户多次致电询问还款方案，客服答复前后不一，且不耐烦地挂断电话。"),
        ("催收人员辱骂客户", "客户提供通话录音，显示催收人员有辱骂、嘲讽言语。"),
        ("投诉后被报复性催收", "客户投诉后催收频率反而增加，认为是报复行为。"),
    ],
    "business_process": [
        ("信用卡办理流程不满", "客户对信用卡激活和额度调整流程繁琐、等待时间长表示不满。"),
        ("贷款审批结果不满意", "客户认为贷款审批结果不合理，且未获得明确的拒绝理由说明。"),
        ("自动扣款失败未提醒", "客户绑定的自动扣款失败，银行未及时提醒，导致逾期。"),
        ("结清证明迟迟未开具", "客户结清贷款已一个月，仍未拿到结清证明，影响办理房贷。"),
    ],
    "other": [
        ("征信记录异议", "客户对征信报告中的逾期记录有异议，要求核实并更正。"),
        ("对催收外包资质有疑问", "客户要求说明委托催收机构的资质和委托关系。"),
        ("要求提供通话录音", "客户要求调取与催收人员的通话录音以便维权。"),
    ],
}

FINDINGS = ["substantiated", "partially_substantiated", "unsubstantiated"]

VERIFICATION_NOTES = [
    "已调取通话录音和催收记录，核实客户反映情况。",
    "核对账单明细和合同条款，部分情况属实。",
    "经查催收系统记录，与客户陈述基本一致。",
    "联系催收外包机构核实，对方已提交说明。",
]

CUSTOMER_DEMANDS = {
    "collection_conduct": "停止频繁来电并书面道歉",
    "fee_dispute": "减免逾期费用并提供费用明细",
    "repayment_plan": "延长还款期限，降低每月还款额",
    "privacy": "说明信息使用范围，停止联系亲友",
    "wrong_information": "更正欠款金额和逾期记录",
    "staff_attitude": "更换催收人员并道歉",
    "business_process": "尽快办结并说明原因",
    "other": "给出书面答复",
}

# (type, amount or None, detail) per category; amounts as strings, as the API takes them.
RESOLUTIONS: dict[str, list[tuple[str, str | None, str]]] = {
    "collection_conduct": [
        ("collection_method_change", None, "每日最多联系一次，仅限9:00-20:00"),
        ("apology", None, "由团队主管电话致歉"),
    ],
    "fee_dispute": [("fee_waiver", "320.00", "减免逾期违约金"), ("explanation", None, "书面说明费用计算方式")],
    "repayment_plan": [("repayment_plan_adjustment", None, "分24期偿还，首期延后一个月")],
    "privacy": [
        ("collection_method_change", None, "停止联系第三方"),
        ("explanation", None, "说明个人信息使用范围和保护措施"),
    ],
    "wrong_information": [("info_correction", None, "更正欠款金额和逾期天数")],
    "staff_attitude": [("apology", None, "书面致歉并更换催收人员"), ("compensation", "200.00", "补偿话费")],
    "business_process": [("explanation", None, "说明办理流程并加急处理")],
    "other": [("explanation", None, "书面答复客户关切")],
}

RESOLUTION_SUMMARIES = [
    "已与客户达成一致并落实处理措施",
    "按客户诉求调整并书面告知处理结果",
    "已向客户解释政策并采取整改措施",
]

FEEDBACK_COMMENTS = ["客户表示满意", "客户基本认可处理结果", "客户仍有意见，但接受方案", "客户表示不满意"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
               "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "志强", "海燕", "文博", "雨涵"]
# Real area codes of resident ID numbers (Beijing, Shanghai, Guangzhou, Chengdu, Wuhan, Xi'an).
ID_AREAS = ["110101", "110105", "310104", "440106", "510104", "420102", "610113"]
MOBILE_PREFIXES = ["138", "139", "135", "136", "137", "150", "151", "158", "186", "187", "177", "199"]


def demo_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def demo_phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def demo_id_number(rng: random.Random) -> str:
    first17 = (
        rng.choice(ID_AREAS)
        + f"{rng.randint(1960, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    return first17 + id_number_check_digit(first17)


def demo_account(rng: random.Random) -> str:
    return rng.choice(["LN", "CC", "XF"]) + f"-{rng.randint(2019, 2026)}-{rng.randrange(10**5):05d}"


# -- seeders from other apps ---------------------------------------------------------------

DemoSeeder = Callable[..., None]
_extra_seeders: list[DemoSeeder] = []


def register_demo_seeder(seeder: DemoSeeder) -> None:
    """Add demo data of another app to `seed_demo`.

    Called as `seeder(users=..., teams=..., stdout=...)` inside seed_demo's transaction, before the
    demo cases are created (so playbooks exist when cases trigger them). It must be idempotent.
    """
    if seeder not in _extra_seeders:
        _extra_seeders.append(seeder)


def extra_seeders() -> list[DemoSeeder]:
    return list(_extra_seeders)

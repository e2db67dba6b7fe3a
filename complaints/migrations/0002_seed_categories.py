from django.db import migrations

# From the source document (催收客诉处理和应急预案): 客诉原因分析 and 客诉分类.
CATEGORIES = [
    ("collection_conduct", "催收方式不当", "Collection conduct",
     "包括电话催收、短信催收、上门催收等，客户认为催收方式过于强硬、频繁或者影响到了其正常生活。",
     "Phone, SMS or home-visit collection the customer finds too aggressive, too frequent or disruptive."),
    ("fee_dispute", "逾期费用异议", "Late-fee dispute",
     "客户对逾期费用计算方式、标准等存在疑问。",
     "The customer questions how late fees were calculated or the rates applied."),
    ("repayment_plan", "还款计划异议", "Repayment-plan dispute",
     "客户对还款计划不满意，认为还款压力过大。",
     "The customer is unhappy with the repayment plan and finds the burden too heavy."),
    ("privacy", "个人信息保护", "Personal-information concern",
     "客户担心个人信息在催收过程中被泄露。",
     "The customer fears personal information leaked during collection."),
    ("wrong_information", "催收信息错误", "Wrong collection information",
     "包括催收金额、还款期限、逾期利息等，客户认为催收信息与实际情况不符。",
     "Amounts, due dates or overdue interest in the collection do not match the facts."),
    ("staff_attitude", "服务态度问题", "Staff attitude",
     "包括催收人员态度恶劣、沟通不畅等，客户对催收人员的服务态度不满意。",
     "Collection staff were rude or communicated poorly."),
    ("business_process", "业务办理问题", "Business processing",
     "包括信用卡办理、贷款审批等，客户对业务办理流程或者结果不满意。",
     "The customer is unhappy with how a card application, loan approval or other business was handled."),
    ("other", "其他", "Other", "其他与催收相关的投诉。", "Any other collection-related complaint."),
]


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (code, zh, en, desc_zh, desc_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "description_zh": desc_zh,
                      "description_en": desc_en, "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Reference data shipped with the portal: districts and industries.

Loaded by a data migration, so every database (and every test database) has
them; ``load_reference_data`` is idempotent and also run by seed_demo.
"""

from __future__ import annotations

# GB/T 2260 codes (domain.md §6.1). The development zone has no official code.
DISTRICTS = [
    # code, name, English, kind, demonstration district (京政办发〔2013〕10号)
    ("110101", "东城区", "Dongcheng", "district", False),
    ("110102", "西城区", "Xicheng", "district", False),
    ("110105", "朝阳区", "Chaoyang", "district", True),
    ("110106", "丰台区", "Fengtai", "district", False),
    ("110107", "石景山区", "Shijingshan", "district", False),
    ("110108", "海淀区", "Haidian", "district", True),
    ("110109", "门头沟区", "Mentougou", "district", False),
    ("110111", "房山区", "Fangshan", "district", False),
    ("110112", "通州区", "Tongzhou", "district", False),
    ("110113", "顺义区", "Shunyi", "district", True),
    ("110114", "昌平区", "Changping", "district", False),
    ("110115", "大兴区", "Daxing", "district", True),
    ("110116", "怀柔区", "Huairou", "district", False),
    ("110117", "平谷区", "Pinggu", "district", False),
    ("110118", "密云区", "Miyun", "district", False),
    ("110119", "延庆区", "Yanqing", "district", False),
    (
        "110400",
        "北京经济技术开发区",
        "Beijing Economic-Technological Development Area",
        "zone",
        True,
    ),
]

# The seed document's industries mapped to GB/T 4754-2017 (domain.md §6.5).
# code, name, English, group, GB/T 4754, certificate code, needs a safety licence
INDUSTRIES = [
    ("coal", "煤矿", "Coal mining", "high_risk", "B06", "", True),
    ("non_coal_mining", "非煤矿山", "Non-coal mining", "high_risk", "B08-B12", "KS", True),
    ("transport", "交通运输", "Transport", "high_risk", "G53-G58", "", False),
    ("construction", "建筑施工", "Construction", "high_risk", "E47-E50", "", True),
    (
        "hazardous_chemicals",
        "危险化学品",
        "Hazardous chemicals",
        "high_risk",
        "C25,C26,F51,G59",
        "WH",
        True,
    ),
    ("fireworks", "烟花爆竹", "Fireworks", "high_risk", "C2672", "YH", True),
    ("civil_explosives", "民用爆炸物品", "Civil explosives", "high_risk", "C2671", "", True),
    ("metallurgy", "冶金", "Metallurgy", "industry_trade", "C31", "YJ", False),
    ("non_ferrous", "有色", "Non-ferrous metals", "industry_trade", "C32", "YS", False),
    ("building_materials", "建材", "Building materials", "industry_trade", "C30", "JC", False),
    ("machinery", "机械", "Machinery", "industry_trade", "C33-C40,C43", "JX", False),
    (
        "light_industry",
        "轻工",
        "Light industry",
        "industry_trade",
        "C13-C15,C19-C24,C29",
        "QG",
        False,
    ),
    ("textiles", "纺织", "Textiles", "industry_trade", "C17-C18", "FZ", False),
    ("tobacco", "烟草", "Tobacco", "industry_trade", "C16", "YC", False),
    ("commerce", "商贸", "Commerce and trade", "industry_trade", "F51-F52,G59,H", "SM", False),
    ("heat", "热力", "Heat supply", "utilities", "D4430", "", False),
    ("gas", "燃气", "Gas", "utilities", "D45", "", True),
    ("power", "电力", "Power", "utilities", "D441-D442", "", False),
    ("tourism", "旅游", "Tourism", "crowded_places", "L7271,N785", "", False),
    ("culture", "文化", "Culture", "crowded_places", "R86-R88", "", False),
    ("sports", "体育", "Sports", "crowded_places", "R89", "", False),
]


def load_reference_data(region_model, industry_model) -> None:
    """Create or update districts and industries (models passed in, so the data
    migration can use its historical models)."""
    for code, name, name_en, kind, demo in DISTRICTS:
        region_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind, "is_demonstration": demo},
        )
    for order, (code, name, name_en, group, gbt, cert, licence) in enumerate(INDUSTRIES):
        industry_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "group": group,
                "gbt4754": gbt,
                "certificate_code": cert,
                "requires_safety_licence": licence,
                "sort_order": order,
            },
        )

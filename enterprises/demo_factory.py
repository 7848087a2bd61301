"""The generated demo enterprises of ``manage.py seed_demo`` (enterprises/demo.py):
the i-th one is the same whatever the count, made from one seeded generator
and the word tables for names, people and addresses below.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from enterprises.models import Enterprise
from enterprises.uscc import ALPHABET, make_uscc
from portal.models import Region, Street

SEED = 2013
ZONE = "110400"
# Enterprises of the development zone are registered by its own market
# regulation bureau, whose USCCs carry 110302.
USCC_REGION = {ZONE: "110302"}

# -- words for names, people, addresses ------------------------------------

TRADE_NAMES = (
    "华信 京诚 恒达 鑫源 中科 宏图 永盛 金泰 瑞丰 博远 安泰 天成 润泽 嘉禾 星辰 同创 卓越 新元 "
    "万通 利民 兴业 华夏 东方 长城 燕山 京华 首信 宏达 广源 福瑞 盛世 鼎盛 通达 泰和 和信 "
    "明德 德润 汇通 恒信 正大 银河 远航 凯达 金桥 联创 海纳 国泰 中兴 瑞祥 "
    "宝丰 隆基 荣达 昌盛 久安 百川 天佑 祥瑞 新华 建华 兴华 振华 光华 中盛 裕丰 金鼎 "
    "鸿运 飞达 华润 伟业 晨光 曙光 宏远 华峰 永兴 永安 永泰 泰达 康达 佳和 立信 安达 "
    "嘉诚 诚信 精诚 铭泰 卓信 弘毅 致远 博雅 睿智 启航 腾飞 宏伟 华宇 宇通 天宇 "
    "中天 天元 元亨 亨通 丰泽 泽润 润华 华安 安信 信达 达通 通泰 泰丰 丰华 华美 美达 "
    "盛达 达利 利达 恒盛 恒兴 恒丰 恒昌 恒通 恒远 金盛 金达 金诺 金辉 辉煌 京辉 京安 "
    "京海 京泰 京源 京通 燕京 燕华 燕达 燕兴 北辰 北方 北控 北电 中北 华北 京北 "
    "龙腾 龙源 龙兴 瑞达 瑞华 瑞安 瑞通 宏泰 宏盛 宏源 宏发 新兴 新达 新源 新星"
).split()

INDUSTRY_WEIGHTS = {
    "coal": 2,
    "non_coal_mining": 8,
    "transport": 60,
    "construction": 120,
    "hazardous_chemicals": 40,
    "fireworks": 6,
    "civil_explosives": 2,
    "metallurgy": 20,
    "non_ferrous": 12,
    "building_materials": 45,
    "machinery": 160,
    "light_industry": 110,
    "textiles": 35,
    "tobacco": 2,
    "commerce": 230,
    "heat": 20,
    "gas": 18,
    "power": 15,
    "tourism": 30,
    "culture": 35,
    "sports": 20,
}
INDUSTRY_WORDS = {
    "coal": ["煤业", "煤炭开采"],
    "non_coal_mining": ["矿业", "砂石开采", "石材开采"],
    "transport": ["运输", "物流", "客运", "货运", "汽车运输", "快递"],
    "construction": ["建筑工程", "建设工程", "市政工程", "建筑安装", "装饰工程", "路桥工程"],
    "hazardous_chemicals": ["化工", "化学品", "石油化工", "工业气体", "涂料", "油品销售"],
    "fireworks": ["烟花爆竹销售", "烟花爆竹"],
    "civil_explosives": ["爆破工程", "民爆器材"],
    "metallurgy": ["钢铁", "冶金材料", "特钢", "铸造"],
    "non_ferrous": ["有色金属", "铝业", "铜业", "稀有金属材料"],
    "building_materials": ["建材", "混凝土", "水泥制品", "新型建材", "玻璃", "保温材料"],
    "machinery": [
        "机械",
        "精密机械",
        "机电设备",
        "汽车零部件",
        "电气设备",
        "数控机床",
        "钢结构",
        "模具",
        "仪器仪表",
        "环保设备",
    ],
    "light_industry": [
        "食品",
        "印刷",
        "家具",
        "包装",
        "纸业",
        "日用品",
        "饮料",
        "塑料制品",
        "医疗器械",
    ],
    "textiles": ["纺织", "服装", "服饰", "针织", "制衣"],
    "tobacco": ["卷烟", "烟草物流"],
    "commerce": [
        "商贸",
        "商业",
        "超市",
        "仓储",
        "餐饮管理",
        "酒店管理",
        "贸易",
        "物业管理",
        "电子商务",
    ],
    "heat": ["热力", "供热", "热能"],
    "gas": ["燃气", "天然气", "液化石油气"],
    "power": ["电力", "能源", "电力工程", "新能源", "光伏科技"],
    "tourism": ["旅行社", "旅游开发", "景区管理", "旅游文化"],
    "culture": ["文化传媒", "影院管理", "演艺", "文化发展", "剧场管理"],
    "sports": ["体育", "健身", "体育文化", "冰雪运动", "体育场馆管理"],
}
LICENCE_CODES = {
    "coal": "MK",
    "non_coal_mining": "FM",
    "construction": "JZ",
    "hazardous_chemicals": "WH",
    "fireworks": "YH",
    "civil_explosives": "MB",
    "gas": "RQ",
}
FORMS = ["有限公司"] * 12 + ["有限责任公司"] * 3 + ["股份有限公司"]
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
    "萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金"
)
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 平 刚 华 鹏 飞 宇 晨 欣 琳 "
    "秀英 桂英 建国 志强 文华 海波 宇航 鹏飞 浩然 晨阳 欣怡 佳琪 子涵 博文 思源 天宇 浩宇 "
    "梓萱 雨轩 俊杰 宏亮 春梅 冬梅 秋菊 立新 卫东 永刚 振华 丹丹 晓东 建华 国强 玉兰 淑华 "
    "红梅 志刚 建军 丽娟 海燕 雪梅 文静 晓明 亚楠 云飞 国庆 德胜 长青 金凤 凤英 玉梅 桂兰 "
    "志勇 明辉 建平 春雷 晓峰 海涛 晓燕 丽萍 婷婷 雪莹 一鸣 家豪 思雨 梦琪 若曦 子轩"
).split()
ROAD_WORDS = (
    "建设 光华 科技 工业 兴业 振兴 幸福 和平 文化 创新 永安 长安 朝阳 东方 新华 "
    "育才 团结 胜利 解放 民主 友谊 学院 园区 开发 经济 金融 商务 航空 物流 花园"
).split()
ROAD_SUFFIXES = ["路", "路", "街", "大街", "东路", "西路", "南路", "北路", "中路", "一街", "二路"]
SCALES = [("above", 15), ("below", 35), ("small_micro", 50)]


def _org_code_check(body8: str) -> str:
    """GB 11714 check character of an organisation code (domain.md §6.2)."""
    total = sum(
        int(char, 36) * weight
        for char, weight in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def demo_uscc(serial: int, region_code: str) -> str:
    """A valid, unique USCC for the serial-th demo enterprise ("91" = enterprise).

    The body is MA + six characters scrambled from the serial (a bijection,
    so codes never collide) + the organisation-code check character.
    """
    value = (serial * 387_420_489 + 12_345_678) % 31**6  # 3**18 is coprime with 31**6
    chars = []
    for _index in range(6):
        value, rest = divmod(value, 31)
        chars.append(ALPHABET[rest])
    body8 = "MA" + "".join(reversed(chars))
    return make_uscc(USCC_REGION.get(region_code, region_code), body8 + _org_code_check(body8))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"010-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}"
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


class EnterpriseFactory:
    """Makes the i-th demo enterprise; every call consumes the generator the
    same way whatever was made before, except name retries (deterministic too)."""

    def __init__(self, regions, streets_by_region, industries, groups):
        self.rng = random.Random(SEED)
        self.regions = regions
        # Busy districts get more enterprises.
        self.region_weights = [
            {
                "110105": 14,
                "110108": 12,
                "110106": 9,
                "110112": 8,
                "110113": 8,
                "110114": 8,
                "110115": 8,
                "110111": 6,
                ZONE: 6,
                "110101": 4,
                "110102": 4,
                "110107": 3,
            }.get(region.code, 2)
            for region in regions
        ]
        self.streets = streets_by_region
        self.industries = industries
        self.industry_weights = [INDUSTRY_WEIGHTS.get(i.code, 10) for i in industries]
        self.groups = groups  # industry code -> [(group org, short name)]
        self.used_names: set[str] = set()

    def _place(self, region: Region, street: Street | None) -> str:
        """A place word for the name: the street's or the district's."""
        if street is not None and self.rng.random() < 0.5:
            stem = street.name
            for suffix in ("街道", "地区", "满族乡", "回族乡", "镇", "乡"):
                stem = stem.removesuffix(suffix)
            if 2 <= len(stem) <= 4:
                return stem
        return "亦庄" if region.code == ZONE else region.name.removesuffix("区")

    def _name(self, region, street, industry, group_short: str) -> str:
        rng = self.rng
        words = INDUSTRY_WORDS.get(industry.code, [industry.name])
        for attempt in range(100):
            trade = group_short or rng.choice(TRADE_NAMES)
            if attempt >= 3:  # the simple names are taken: a two-word 字号
                trade += rng.choice(TRADE_NAMES)
            place = self._place(region, street) if rng.random() < 0.6 else ""
            word = rng.choice(words)
            form = rng.choice(FORMS)
            if group_short or rng.random() < 0.5:
                name = f"北京{trade}{place}{word}{form}"
            else:
                name = f"北京{place}{trade}{word}{form}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("could not make a unique enterprise name")

    def make(self, serial: int) -> Enterprise:
        rng = self.rng
        region = rng.choices(self.regions, weights=self.region_weights)[0]
        streets = self.streets.get(region.code) or [None]
        street = rng.choice(streets)
        industry = rng.choices(self.industries, weights=self.industry_weights)[0]
        scale = rng.choices([s for s, _w in SCALES], weights=[w for _s, w in SCALES])[0]
        if scale == "above":
            employees = rng.randint(100, 3000)
            revenue = rng.uniform(2000, 300_000)
        elif scale == "below":
            employees = rng.randint(30, 300)
            revenue = rng.uniform(300, 1999)
        else:
            employees = rng.randint(3, 99)
            revenue = rng.uniform(10, 1500)
        group = None
        group_short = ""
        candidates = self.groups.get(industry.code)
        if candidates and rng.random() < (0.5 if scale == "above" else 0.08):
            group, group_short = rng.choice(candidates)
        legal = _person(rng)
        principal = legal if rng.random() < 0.3 else _person(rng)
        contact = _person(rng)
        place = street.name if street is not None else ""
        address = (
            f"北京市{region.name}{place}{rng.choice(ROAD_WORDS)}"
            f"{rng.choice(ROAD_SUFFIXES)}{rng.randint(1, 300)}号"
        )
        if rng.random() < 0.4:
            address += f"院{rng.randint(1, 30)}号楼"
        licence_no = ""
        licence_expires = None
        code = LICENCE_CODES.get(industry.code)
        if industry.requires_safety_licence and code:
            year = rng.randint(2021, 2025)
            licence_no = f"（京）{code}安许证字〔{year}〕{serial % 1_000_000:06d}"
            licence_expires = datetime.date(year + 3, rng.randint(1, 12), rng.randint(1, 28))
        status = Enterprise.Status.CLOSED if rng.random() < 0.02 else Enterprise.Status.ACTIVE
        phone = _phone(rng)
        name = self._name(region, street, industry, group_short)
        return Enterprise(
            name=name,
            uscc=demo_uscc(serial, region.code),
            region=region,
            street=street,
            address=address,
            industry=industry,
            scale=scale,
            employees=employees,
            annual_revenue=Decimal(f"{revenue:.2f}"),
            legal_representative=legal,
            safety_principal=principal,
            contact_name=contact,
            contact_phone=phone,
            group=group,
            safety_licence_no=licence_no,
            safety_licence_expires=licence_expires,
            status=status,
        )

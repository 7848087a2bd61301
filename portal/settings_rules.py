"""The certification workflow's and certificate lifecycle's figures: time
limits, publicity, numbering, the simplified path, the grading authorities,
revocation and accidents. Each is env-overridable and cites its source;
portal/settings.py imports them all.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_str

# The workflow's clocks (certification/applications/clocks.py, daily at 00:45).
# An application not accepted, returned or refused within the acceptance's time
# limit is deemed accepted: 行政许可法 第三十二条 ("逾期不告知的，自收到申请材料之日起
# 即为受理") is the model, no standardization text says it [M], hence a switch.
DEEMED_ACCEPTANCE = env_bool("DEEMED_ACCEPTANCE", True)
# The longest rectification the review unit may set, in working days: no text
# fixes one (domain.md §4.1 only excludes rectification from the review's
# time), a judgment call. Past its deadline the review ends as not passed.
RECTIFICATION_MAX_WORKING_DAYS = env_int("RECTIFICATION_MAX_WORKING_DAYS", 60, minimum=1)
# Publicity (公示) in working days (certification/workflow.time_limit). 应急〔2021〕83号
# asks for "不少于5个工作日" [M]: domain.md §4.3 lists its time limits as not
# verified, so the minimum is kept below any configured value; 7 is the portal's.
PUBLICITY_MIN_WORKING_DAYS = 5
PUBLICITY_WORKING_DAYS = env_int("PUBLICITY_WORKING_DAYS", 7, minimum=PUBLICITY_MIN_WORKING_DAYS)

# Publicity and certificates (certification/publicity/rules.py). Objections the
# public may lodge from one address per hour (counted in the cache, like
# failed logins); their longest text.
OBJECTION_LIMIT_PER_HOUR = env_int("OBJECTION_LIMIT_PER_HOUR", 5, minimum=1)
OBJECTION_MAX_CHARS = 2000
# Certificate numbers (domain.md §4.2) need an industry code; industries
# without one in the national scheme (construction, gas, culture, …) are
# numbered with this portal-specific code instead. "-" (empty here): certificates
# are issued only for the industries of the national scheme, and applications of
# other industries are refused (certification/applications/services.py).
_fallback_code = env_str("CERTIFICATE_FALLBACK_CODE", "QT")
CERTIFICATE_FALLBACK_CODE = "" if _fallback_code == "-" else _fallback_code
# The simplified path for small and micro firms (certification/assignment/simplified.py),
# per grade applied for: 京政办发〔2013〕10号 三(二) "注重实效、简化程序、提高效率" for
# 规模以下企业 and 小微企业; the text gives no figure, so these are judgment calls:
# the materials needed to submit, the smallest review team, no spot-check draw
# and a shorter publicity.
# The simplified path's publicity (公示) in working days: the 应急〔2021〕83号 minimum.
SIMPLIFIED_PUBLICITY_WORKING_DAYS = env_int(
    "SIMPLIFIED_PUBLICITY_WORKING_DAYS",
    PUBLICITY_MIN_WORKING_DAYS,
    minimum=PUBLICITY_MIN_WORKING_DAYS,
)
SIMPLIFIED_PATH_TIERS = env_list("SIMPLIFIED_PATH_TIERS", ["pass"])
SIMPLIFIED_PATH = {
    tier: {
        "materials": env_list("SIMPLIFIED_PATH_MATERIALS", ["accidents", "self_assessment_report"]),
        "reviewers": env_int("SIMPLIFIED_PATH_REVIEWERS", 1, minimum=1),
        # Never drawn for the verification's on-site spot check
        # (certification/verification/rules.py): the review itself is the check.
        "spot_check": False,
        "publicity_days": SIMPLIFIED_PUBLICITY_WORKING_DAYS,
    }
    for tier in SIMPLIFIED_PATH_TIERS
}
# The small-firm grade's certificate number (certification/publicity/rules.py):
# the national scheme (domain.md §4.2, 证书编号 = 京 + AQB + industry + Ⅰ/Ⅱ/Ⅲ + year
# + sequence) has no mark for 小微 (安监总管四〔2014〕17号 grades them only as
# "达标"), so the portal's own "XW" (京AQBJXXW202600001) is the default; "III"
# numbers them in level 3's sequence (京AQBJXⅢ202600001), the basic standard
# of 京政办发〔2013〕10号 一(三)1.
_small_micro_mark = env_str("SMALL_MICRO_CERTIFICATE_MARK", "XW").strip().upper()
if _small_micro_mark not in {"XW", "III", "\u2162"}:
    raise ImproperlyConfigured(f"SMALL_MICRO_CERTIFICATE_MARK={_small_micro_mark!r}: use XW or III")
SMALL_MICRO_CERTIFICATE_MARK = "XW" if _small_micro_mark == "XW" else "\u2162"


# Certificate lifecycle and accidents (certification/lifecycle/rules.py, enterprises/accidents.py).
# After a revocation the enterprise may apply again on the anniversary, this many
# months later (domain.md §4.3: "~1 year", [M]; calendar months, like certificate dates).
REAPPLY_LOCK_MONTHS = env_int("REAPPLY_LOCK_MONTHS", 12, minimum=0)
# 规模以上工业企业: annual main-business revenue of this many 万元 or more (国家统计局, since
# 2011: "年主营业务收入2000万元及以上的工业法人单位"; 500 in 2007–2010; domain.md §6.3). The
# registry warns when a declared scale disagrees (enterprises/scale.py).
ABOVE_DESIGNATED_SIZE_REVENUE = env_int("ABOVE_DESIGNATED_SIZE_REVENUE", 2000, minimum=1)
# Renewal fast path (domain.md §4.3, [C2]/[M]): "after confirmation by the
# grading authority go straight to publicity"; lifecycle.fast_path_allowed.
RENEWAL_FAST_PATH = env_bool("RENEWAL_FAST_PATH", False)
# The grading authority (定级部门) per grade: the organisation kind that approves
# (核准), publicises and announces (certification/approval/rules.py). 京政办发〔2013〕10号
# 二(一): "各区县政府负责推动辖区内企业达标创建", "市行业管理部门负责本行业二级标准化企业达标创建";
# 二(二)5: the organising unit "将通过复核的企业上报行业管理部门"; 应急〔2021〕83号: the 定级部门
# publicises and announces. Level 1 stays national. Format "3=district,2=regulator,pass=district"
# (kinds: district, regulator, city_office).
_authorities = env_list("GRADING_AUTHORITIES", ["3=district", "2=regulator", "pass=district"])
GRADING_AUTHORITIES = dict(item.partition("=")[::2] for item in _authorities)
if not set(GRADING_AUTHORITIES) <= {"2", "3", "pass"} or not set(GRADING_AUTHORITIES.values()) <= {
    "district",
    "regulator",
    "city_office",
}:
    raise ImproperlyConfigured(
        f"GRADING_AUTHORITIES={','.join(_authorities)!r}: use grade=kind items, grades 2, 3, "
        "pass, kinds district, regulator, city_office"
    )
# The renewal window opens this many months before valid_until (§4.1/§4.3).
RENEWAL_WINDOW_MONTHS = env_int("RENEWAL_WINDOW_MONTHS", 3, minimum=0)
# Annual self-assessments: the first reminder this many days before the due date.
ANNUAL_REMIND_DAYS = env_int("ANNUAL_REMIND_DAYS", 30, minimum=0)
# Besides a fatal accident, an accident with at least this many serious
# injuries flags the certificates for a revocation review (§3.5, district
# schemes, [C2]; 0: off), and one with at least this direct loss in 10,000
# yuan (not found in domain.md: None, off).
ACCIDENT_REVIEW_SERIOUS_INJURIES = env_int("ACCIDENT_REVIEW_SERIOUS_INJURIES", 3, minimum=0)
ACCIDENT_REVIEW_DIRECT_LOSS = None
# A fatal accident adds an extra self-assessment to each live certificate, due
# this many days after it was recorded ("发生死亡事故后应重新进行评定", domain.md §4.1,
# [C] wkfff/ssms; the text gives no period: a judgment call).
ACCIDENT_SELF_ASSESSMENT_DAYS = env_int("ACCIDENT_SELF_ASSESSMENT_DAYS", 90, minimum=1)

from django.db import models
from django.utils.translation import pgettext_lazy


class CycleState(models.TextChoices):
    """DESIGN §3.1. This app moves a cycle up to expert review; later stages belong to
    review/ and publicity/, which move it through this app's services."""

    DRAFT = "draft", pgettext_lazy("cycle", "Draft")
    ANNOUNCED = "announced", pgettext_lazy("cycle", "Call announced")
    QUALIFICATION = "qualification", pgettext_lazy("cycle", "Qualification check")
    EXPERT_REVIEW = "expert_review", pgettext_lazy("cycle", "Expert review")
    CANCELLED = "cancelled", pgettext_lazy("cycle", "Cancelled")


class DossierState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("dossier", "Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("dossier", "Supplement requested")
    QUALIFIED = "qualified", pgettext_lazy("dossier", "Qualified")
    NOT_QUALIFIED = "not_qualified", pgettext_lazy("dossier", "Not qualified")
    WITHDRAWN = "withdrawn", pgettext_lazy("dossier", "Withdrawn")


FINAL_QUALIFICATION_STATES = {
    DossierState.QUALIFIED,
    DossierState.NOT_QUALIFIED,
    DossierState.WITHDRAWN,
}


class Sector(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, top level (门类)."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741 - the standard's letter
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741 - the standard's letter
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class Ownership(models.TextChoices):
    STATE = "state", pgettext_lazy("ownership", "State-owned")
    COLLECTIVE = "collective", pgettext_lazy("ownership", "Collective")
    PRIVATE = "private", pgettext_lazy("ownership", "Private")
    FOREIGN = "foreign", pgettext_lazy("ownership", "Foreign-invested")
    HMT = "hmt", pgettext_lazy("ownership", "Hong Kong, Macao or Taiwan invested")
    OTHER = "other", pgettext_lazy("ownership", "Other")


class District(models.TextChoices):
    """Where in Erenhot an organisation is registered (Art. 2, 10(1))."""

    URBAN = "urban", pgettext_lazy("district", "Urban area (subdistricts)")
    GERILEAODU = "gerileaodu", "格日勒敖都苏木"
    ZONE = "border_zone", pgettext_lazy("district", "Border Economic Cooperation Zone")


class MemberRole(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("member", "Administrator")
    MEMBER = "member", pgettext_lazy("member", "Member")


class Category(models.TextChoices):
    """GB/T 19580-2012 卓越绩效评价准则, its seven categories (Art. 13)."""

    LEADERSHIP = "4.1", "4.1 领导"
    STRATEGY = "4.2", "4.2 战略"
    CUSTOMERS = "4.3", "4.3 顾客与市场"
    RESOURCES = "4.4", "4.4 资源"
    PROCESSES = "4.5", "4.5 过程管理"
    MEASUREMENT = "4.6", "4.6 测量、分析与改进"
    RESULTS = "4.7", "4.7 结果"


class FileKind(models.TextChoices):
    SELF_EVALUATION = "self_evaluation", pgettext_lazy("file", "Self-evaluation report")
    EVIDENCE = "evidence", pgettext_lazy("file", "Evidence")
    STAMPED_FORM = "stamped_form", pgettext_lazy("file", "Stamped application form")


class CheckOutcome(models.TextChoices):
    PASS = "pass", pgettext_lazy("check", "Pass")
    FAIL = "fail", pgettext_lazy("check", "Fail")
    SUPPLEMENT = "supplement", pgettext_lazy("check", "Needs supplement")

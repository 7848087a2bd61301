"""Review units, reviewers and conflict relations (see reviews/bodies/selectors.py).

Scope: the city office and the organising units see and manage the review
units qualified in an industry they organise; a review unit's own users see
their unit, its reviewers and its relations, read only (403 on writes).
Everyone else: 404 (an empty list). Writes go through
reviews/bodies/services.py; a status change that lost a race answers 409.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    deny_unless,
    service_errors,
)
from portal.ids import parse_id
from portal.models import Industry, Organisation, Qualification, Tier, User
from reviews.bodies import figures as year_figures
from reviews.bodies import selectors, services
from reviews.models import ConflictRelation, Reviewer

MANAGERS_ONLY = gettext_lazy(
    "Only the city safety committee office and the organising unit of the unit's industry "
    "manage a review unit."
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The review unit has changed in the meantime.")
    default_code = "conflict"


def _require_manager(user, unit: Organisation) -> None:
    deny_unless(selectors.can_manage_unit(user, unit), str(MANAGERS_ONLY))


# --------------------------------------------------------------------------
# Review units


class UnitQualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["industry", "tier"]


class ReviewUnitSerializer(serializers.ModelSerializer):
    qualifications = UnitQualificationSerializer(many=True, read_only=True)
    active_reviewers = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "status",
            "status_reason",
            "qualifications",
            "contact_name",
            "contact_phone",
            "active_reviewers",
        ]


def _tenths(**kwargs):
    return serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, read_only=True, **kwargs
    )


class UnitListFiguresSerializer(serializers.Serializer):
    """A unit's figures for one calendar year (definitions: reviews/bodies/figures.py)."""

    year = serializers.IntegerField()
    reviews_done = serializers.IntegerField(
        help_text=gettext_lazy("On-site reviews reported in the year by the unit.")
    )
    spot_checks_failed = serializers.IntegerField()
    spot_check_warning = serializers.BooleanField(
        help_text=gettext_lazy(
            "Two or more spot checks failed in the year: a proposal to remove the unit is due."
        )
    )
    gap_mean = _tenths(
        help_text=gettext_lazy("Mean of review score − the enterprise's self-assessment score.")
    )


class ReviewerYearFiguresSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    reviews_done = serializers.IntegerField(source="year_figures.reviews_done")
    leader_count = serializers.IntegerField(source="year_figures.leader_count")
    gap_mean = _tenths(source="year_figures.gap_mean")


class UnitYearFiguresSerializer(UnitListFiguresSerializer):
    open_reviews = serializers.IntegerField(
        help_text=gettext_lazy("Assigned, in on-site review or in rectification now.")
    )
    duration_median = _tenths(
        help_text=gettext_lazy("Working days from start to report, rectification excluded.")
    )
    duration_mean = _tenths()
    spot_checks_done = serializers.IntegerField()
    gap_max_abs = _tenths()
    reviewers = ReviewerYearFiguresSerializer(many=True, source="reviewer_rows")


class ReviewUnitListSerializer(ReviewUnitSerializer):
    figures = UnitListFiguresSerializer(source="year_figures", read_only=True)

    class Meta(ReviewUnitSerializer.Meta):
        fields = [*ReviewUnitSerializer.Meta.fields, "figures"]


class ReviewUnitDetailSerializer(ReviewUnitSerializer):
    figures = UnitYearFiguresSerializer(source="year_figures", read_only=True)

    class Meta(ReviewUnitSerializer.Meta):
        fields = [*ReviewUnitSerializer.Meta.fields, "figures"]


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Calendar year of the figures; default: this year.")
    )


def _year(request) -> int:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        return year_figures.current_year()
    year = year_figures.parse_year(raw)
    if year is None:
        raise ValidationError(
            {
                "year": [
                    gettext("Enter a year from %(min)s to %(max)s.")
                    % {"min": year_figures.YEAR_MIN, "max": year_figures.current_year()}
                ]
            }
        )
    return year


class UnitStatusSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in services.UNIT_STATUSES])
    reason = serializers.CharField(max_length=1000)
    expected = serializers.ChoiceField(
        choices=Organisation.Status.choices,
        required=False,
        help_text=gettext_lazy("The status the change starts from; 409 when it is no longer."),
    )


class UnitFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, help_text=gettext_lazy("Part of the name."))
    status = serializers.ChoiceField(choices=Organisation.Status.choices, required=False)
    industry = serializers.CharField(
        required=False, help_text=gettext_lazy("Industry code the unit is qualified in.")
    )
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[UnitFilterSerializer, YearSerializer]),
    retrieve=extend_schema(parameters=[YearSerializer]),
)
class ReviewUnitViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Review units in the user's scope; their managers change their status."""

    serializer_class = ReviewUnitSerializer

    def get_serializer_class(self):
        return {"list": ReviewUnitListSerializer, "retrieve": ReviewUnitDetailSerializer}.get(
            self.action, ReviewUnitSerializer
        )

    def list(self, request, *args, **kwargs):
        self.year = _year(request)
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            queryset = year_figures.annotate_list(queryset, self.year)
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for unit in page or ():
            unit.year_figures = year_figures.list_figures(unit, self.year)
        return page

    def retrieve(self, request, *args, **kwargs):
        """The unit with its figures for ``year`` (see reviews/bodies/figures.py)."""
        year = _year(request)
        unit = self.get_object()
        unit.year_figures = year_figures.unit_figures(unit, year)
        reviewers = list(unit.reviewers.order_by("-is_active", "name", "pk"))
        for reviewer in reviewers:
            reviewer.year_figures = unit.year_figures.reviewer(reviewer.pk)
        unit.year_figures.reviewer_rows = reviewers
        return Response(self.get_serializer(unit).data)

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.filter_units(
            selectors.units_visible_to(self.request.user),
            search=params.get("q", ""),
            status=params.get("status", ""),
            industry=params.get("industry", ""),
            tier=params.get("tier", ""),
        )
        return (
            qs.annotate(active_reviewers=Count("reviewers", filter=Q(reviewers__is_active=True)))
            .prefetch_related(
                Prefetch("qualifications", queryset=Qualification.objects.order_by("id"))
            )
            .order_by("name", "pk")
        )

    @extend_schema(
        request=UnitStatusSerializer,
        responses={
            200: ReviewUnitSerializer,
            409: OpenApiResponse(description=gettext_lazy("The status changed since `expected`.")),
        },
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Set the unit active, suspended or disqualified, with the reason; the unit
        is notified. Only a disqualified unit's reinstatement is the city office's."""
        unit = self.get_object()
        _require_manager(request.user, unit)
        serializer = UnitStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            try:
                services.unit_set_status(actor=request.user, unit=unit, **serializer.validated_data)
            except services.StatusConflict as error:
                raise Conflict(str(error.message)) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=unit.pk)).data)


# --------------------------------------------------------------------------
# Reviewers


class ReviewerSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    specialties = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Industry.objects.all(),
        required=False,
        help_text=gettext_lazy("Industry codes."),
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = Reviewer
        fields = [
            "id",
            "unit",
            "name",
            "certificate_no",
            "specialties",
            "user",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "is_active", "created_at"]
        # The service checks the number, naming the holder.
        extra_kwargs: dict[str, dict[str, object]] = {"certificate_no": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        self.fields["unit"].queryset = selectors.units_visible_to(request.user)
        self.fields["user"].queryset = User.objects.filter(
            organisation__in=selectors.units_visible_to(request.user)
        )
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["unit"].read_only = True


class ReviewerFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_view(list=extend_schema(parameters=[ReviewerFilterSerializer]))
class ReviewerViewSet(
    PortalAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reviewers of the units in scope; the units' managers add, edit and deactivate them."""

    serializer_class = ReviewerSerializer

    def get_queryset(self):
        qs = (
            selectors.reviewers_visible_to(self.request.user)
            .prefetch_related(Prefetch("specialties", queryset=Industry.objects.order_by("code")))
            .order_by("unit__name", "name", "pk")
        )
        params = self.request.query_params
        if unit := parse_id(params.get("unit", "")):
            qs = qs.filter(unit_id=unit)
        if params.get("active") in ("true", "false"):
            qs = qs.filter(is_active=params["active"] == "true")
        return qs

    def create(self, request, *args, **kwargs):
        deny_unless(selectors.can_manage_units(request.user), str(MANAGERS_ONLY))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        _require_manager(self.request.user, data["unit"])
        specialties = data.pop("specialties", [])
        with service_errors():
            serializer.instance = services.reviewer_save(
                actor=self.request.user, reviewer=Reviewer(**data), specialties=specialties
            )

    def update(self, request, *args, **kwargs):
        _require_manager(request.user, self.get_object().unit)
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        specialties = data.pop("specialties", None)
        reviewer = serializer.instance
        for name, value in data.items():
            setattr(reviewer, name, value)
        with service_errors():
            services.reviewer_save(
                actor=self.request.user, reviewer=reviewer, specialties=specialties
            )
        serializer.instance = self.get_queryset().get(pk=reviewer.pk)

    @extend_schema(request=NoBodySerializer, responses=ReviewerSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """The reviewer can no longer be put on a review team."""
        return self._set_active(request, active=False)

    @extend_schema(request=NoBodySerializer, responses=ReviewerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._set_active(request, active=True)

    def _set_active(self, request, *, active: bool):
        reviewer = self.get_object()
        _require_manager(request.user, reviewer.unit)
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with service_errors():
            services.reviewer_set_active(actor=request.user, reviewer=reviewer, active=active)
        return Response(self.get_serializer(self.get_queryset().get(pk=reviewer.pk)).data)


# --------------------------------------------------------------------------
# Conflict relations


class ConflictSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(),
        help_text=gettext_lazy(
            "An enterprise the user can see (find it with "
            "/api/v1/enterprises/?search=USCC or name)."
        ),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = ConflictRelation
        fields = [
            "id",
            "unit",
            "enterprise",
            "enterprise_name",
            "enterprise_uscc",
            "kind",
            "started_on",
            "ended_on",
            "note",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["unit"].queryset = selectors.units_visible_to(request.user)
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user)


class ConflictEndSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))


class ConflictFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False)
    enterprise = serializers.IntegerField(required=False)
    current = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Only those not ended."),
    )


@extend_schema_view(list=extend_schema(parameters=[ConflictFilterSerializer]))
class ConflictViewSet(
    PortalAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Recorded relations that bar a review unit from reviewing an enterprise."""

    serializer_class = ConflictSerializer

    def get_queryset(self):
        qs = (
            selectors.conflicts_visible_to(self.request.user)
            .select_related("enterprise")
            .order_by("-started_on", "-pk")
        )
        params = self.request.query_params
        for key in ("unit", "enterprise"):
            if pk := parse_id(params.get(key, "")):
                qs = qs.filter(**{f"{key}_id": pk})
        if params.get("current") == "true":
            qs = qs.filter(ended_on__isnull=True)
        return qs

    def create(self, request, *args, **kwargs):
        deny_unless(selectors.can_manage_units(request.user), str(MANAGERS_ONLY))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        _require_manager(self.request.user, data["unit"])
        with service_errors():
            serializer.instance = services.conflict_record(actor=self.request.user, **data)

    @extend_schema(request=ConflictEndSerializer, responses=ConflictSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record that the relation ended (``ended_on``, by default today)."""
        conflict = self.get_object()
        _require_manager(request.user, conflict.unit)
        serializer = ConflictEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.conflict_end(
                actor=request.user,
                conflict=conflict,
                ended_on=serializer.validated_data.get("ended_on"),
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=conflict.pk)).data)

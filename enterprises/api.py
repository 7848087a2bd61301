"""REST API of the enterprise registry (conventions: portal/api.py).

Districts, streets and industries are named by their codes, the enterprise
group by its organisation id. ``status`` is read-only here: registrations
are verified through their own workflow, never by a PATCH.
"""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator

from enterprises import pages, preconditions, services
from enterprises.api_rows import enterprise_rows
from enterprises.models import Enterprise
from enterprises.preconditions import DISHONESTY_FIELDS
from enterprises.scale import derive_scale, enterprise_scale_warning
from enterprises.selectors import ORDERINGS, filter_enterprises, registry_paginator, registry_rows
from enterprises.uscc import normalise_uscc, outside_beijing_warning, uscc_errors
from portal import permissions
from portal.api.base import (
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from portal.api.pagination import CappedPagination
from portal.models import Industry, Organisation, OrganisationKind, Region, Street

# API field names where they differ from the model's.
FIELD_MAP = {"region": "district"}

USCC_TAKEN = gettext_lazy(
    "An enterprise with this unified social credit code is already registered."
)
ORDERING_CHOICES = [*ORDERINGS, *(f"-{key}" for key in ORDERINGS)]


class USCCField(serializers.CharField):
    """Accepts spaces and lower case, as people copy codes from licences."""

    def to_internal_value(self, data) -> str:
        return normalise_uscc(super().to_internal_value(data))


def check_uscc(value: str) -> None:
    errors = uscc_errors(value)
    if errors:
        raise serializers.ValidationError(errors)


class StandingSerializer(serializers.Serializer):
    """The enterprise's best live certificate (enterprises/pages.py)."""

    grade = serializers.CharField()
    number = serializers.CharField()
    valid_until = serializers.DateField()
    suspended = serializers.BooleanField()


class EnterpriseSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    uscc = USCCField(
        max_length=30,
        validators=[
            check_uscc,
            UniqueValidator(
                queryset=Enterprise.objects.all(),
                message=USCC_TAKEN,
            ),
        ],
    )
    district = serializers.PrimaryKeyRelatedField(
        source="region",
        queryset=Region.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "District code (GB/T 2260). A district government may leave "
            "it out: its own district is used."
        ),
    )
    district_name = serializers.CharField(source="region.display_name", read_only=True)
    street = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Street.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Street or town code."),
    )
    street_name = serializers.CharField(
        source="street.display_name", read_only=True, allow_null=True
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    industry_name = serializers.CharField(
        source="industry.display_name", read_only=True, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.GROUP),
        required=False,
        allow_null=True,
    )
    group_name = serializers.CharField(source="group.name", read_only=True, allow_null=True)
    standing = serializers.SerializerMethodField(
        help_text=gettext_lazy("The best live certificate: grade and validity; null if none.")
    )
    derived_scale = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The scale the revenue and employees give by the national thresholds "
            "(工信部联企业〔2011〕300号, 规模以上工业); null when they give none."
        )
    )
    uscc_warning = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Set when the code was issued outside Beijing (characters 3–8); not a refusal."
        )
    )
    scale_warning = serializers.SerializerMethodField(
        help_text=gettext_lazy("Why the declared scale disagrees with the figures; null if not.")
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "district",
            "district_name",
            "street",
            "street_name",
            "address",
            "industry",
            "industry_name",
            "scale",
            "employees",
            "annual_revenue",
            "legal_representative",
            "safety_principal",
            "contact_name",
            "contact_phone",
            "group",
            "group_name",
            "safety_licence_no",
            "safety_licence_expires",
            "status",
            "status_reason",
            "standing",
            "derived_scale",
            "scale_warning",
            "uscc_warning",
            "dishonesty_listed_on",
            "dishonesty_source",
            "dishonesty_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
            # Changed through the dishonesty endpoint only (audited on its own).
            *DISHONESTY_FIELDS,
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_derived_scale(self, enterprise: Enterprise) -> str | None:
        return derive_scale(enterprise.industry_id, enterprise.annual_revenue, enterprise.employees)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_uscc_warning(self, enterprise: Enterprise) -> str | None:
        return outside_beijing_warning(enterprise.uscc)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_scale_warning(self, enterprise: Enterprise) -> str | None:
        return enterprise_scale_warning(enterprise)

    @extend_schema_field(StandingSerializer(allow_null=True))
    def get_standing(self, enterprise: Enterprise) -> dict | None:
        # One enterprise; the list reads its page's standings in one query (api_rows.py).
        return pages.standing().rows([enterprise.pk]).get(enterprise.pk)

    def validate(self, attrs: dict) -> dict:
        instance: Enterprise | None = self.instance
        if "region" not in attrs and instance is None:
            user = self.context["request"].user
            if user.kind == OrganisationKind.DISTRICT:
                attrs["region"] = user.organisation.region
            else:
                raise serializers.ValidationError({"district": [_("This field is required.")]})

        def current(name):
            if name in attrs:
                return attrs[name]
            return getattr(instance, name) if instance is not None else None

        region, street = current("region"), current("street")
        if street is not None and region is not None and street.region_id != region.pk:
            raise serializers.ValidationError(
                {
                    "street": [
                        _("Street or town “%(street)s” is not in %(district)s.")
                        % {"street": street.code, "district": region}
                    ]
                }
            )
        # On a PATCH the licence rule is checked only when the patch touches
        # it, so an older entry without a licence can still be corrected.
        if not self.partial or {"industry", "safety_licence_no"} & set(attrs):
            industry = current("industry")
            if (
                industry is not None
                and industry.requires_safety_licence
                and not current("safety_licence_no")
            ):
                raise serializers.ValidationError(
                    {
                        "safety_licence_no": [
                            _("%(industry)s enterprises need a safety licence number.")
                            % {"industry": industry}
                        ]
                    }
                )
        return attrs


class EnterpriseFilterSerializer(serializers.Serializer):
    """Query parameters of the list (other parameters, such as page, pass)."""

    search = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Part of the name, or a USCC.")
    )
    district = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("District code.")
    )
    street = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Street or town code.")
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Industry code.")
    )
    scale = serializers.ChoiceField(
        choices=Enterprise.Scale.choices, required=False, allow_blank=True
    )
    status = serializers.ChoiceField(
        choices=Enterprise.Status.choices, required=False, allow_blank=True
    )
    ordering = serializers.ChoiceField(choices=ORDERING_CHOICES, required=False, default="name")
    grade = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Grade of a live certificate: 1, 2, 3, pass, or none (no live certificate)."
        ),
    )

    def validate_grade(self, value: str) -> str:
        if value and pages.standing().condition(value) is None:
            raise serializers.ValidationError(_("Unknown grade: %(value)s.") % {"value": value})
        return value


class PreconditionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=["met", "not_met", "affirm"])
    reason = serializers.CharField()


class DishonestySerializer(serializers.Serializer):
    listed_on = serializers.DateField(
        allow_null=True,
        help_text=gettext_lazy("The listing date; null clears the listing."),
    )
    list_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Which list (issuing authority)"),
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[EnterpriseFilterSerializer]))
class EnterpriseViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Enterprises in the user's scope. The city office and district
    governments add and edit them (a district in its own district only)."""

    serializer_class = EnterpriseSerializer
    # count exact up to settings.LIST_COUNT_CAP, then count_is_capped.
    pagination_class = CappedPagination

    def get_queryset(self):
        # select_related keeps the list at a fixed number of queries.
        return Enterprise.objects.visible_to(self.request.user).select_related(
            "region", "street", "industry", "group"
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = EnterpriseFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        grade = filters.pop("grade", "")
        queryset = filter_enterprises(queryset, **filters)
        return queryset.filter(pages.standing().condition(grade)) if grade else queryset

    def paginator_class(self):
        """The registry's paginator for the search (enterprises.selectors.registry_paginator)."""
        search = self.request.query_params.get("search", "")
        return partial(registry_paginator, search=search)

    def list(self, request, *args, **kwargs):
        # The page's ids first (from the indexes alone where they can), then its rows.
        ids = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        found = self.paginate_queryset(ids)
        assert found is not None  # the API always paginates
        page = registry_rows(found)
        standing = pages.standing().rows([enterprise.pk for enterprise in page])
        # The serializer's output, built without its per-field machinery (api_rows.py).
        return self.get_paginated_response(enterprise_rows(page, standing))

    def create(self, request):
        deny_unless(
            permissions.acts_for(
                request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT
            ),
            _(
                "Only the city safety committee office and district governments can add "
                "enterprises."
            ),
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = self._save(Enterprise(), serializer.validated_data)
        return Response(self.get_serializer(enterprise).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        enterprise = self.get_object()
        deny_unless(
            permissions.can_edit_enterprise(request.user, enterprise),
            _("You can view this enterprise but not change it."),
        )
        serializer = self.get_serializer(enterprise, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        enterprise = self._save(enterprise, serializer.validated_data)
        return Response(self.get_serializer(enterprise).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def _save(self, enterprise: Enterprise, data: dict) -> Enterprise:
        user = acting_user(self.request)
        # The serializer guarantees a district on create; on update the
        # current one stands unless the body moves the enterprise.
        region = data.get("region") or enterprise.region
        org = user.organisation
        if user.kind == OrganisationKind.DISTRICT and org and region.pk != org.region_id:
            raise PermissionDenied(
                _(
                    "A district government can only keep enterprises in its own district "
                    "(%(district)s)."
                )
                % {"district": org.region}
            )
        for name, value in data.items():
            setattr(enterprise, name, value)
        try:
            with service_errors(FIELD_MAP):
                return services.enterprise_save(actor=user, enterprise=enterprise)
        except IntegrityError:
            # Only the USCC is unique; a concurrent request registered it
            # between validation and the insert.
            raise serializers.ValidationError({"uscc": [str(USCC_TAKEN)]}) from None

    @extend_schema(responses=PreconditionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def preconditions(self, request, pk=None):
        """The preconditions for applying for a grade: each met, not met (with the
        reason) or to be affirmed by the principal (enterprises/preconditions.py)."""
        items = preconditions.checklist(self.get_object())
        return Response([item.as_dict() for item in items])

    @extend_schema(request=DishonestySerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def dishonesty(self, request, pk=None):
        """Record (listed_on, source, reason) or clear (listed_on null) a dishonesty
        listing: the enterprise's district or the city office."""
        enterprise = self.get_object()
        deny_unless(
            permissions.can_edit_enterprise(request.user, enterprise),
            _("Only the enterprise's district or the city office records a listing."),
        )
        body = DishonestySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors(
            {
                "dishonesty_listed_on": "listed_on",
                "dishonesty_source": "list_name",
                "dishonesty_reason": "reason",
            }
        ):
            enterprise = preconditions.dishonesty_set(
                actor=acting_user(request),
                enterprise=enterprise,
                listed_on=data["listed_on"],
                source=data.get("list_name", ""),
                reason=data.get("reason", ""),
            )
        return Response(self.get_serializer(enterprise).data)

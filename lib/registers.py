"""Registers: the activities that carry out the plan (a training held, a call referred, a criminal case sent to
court, a grant disbursed), each linked to the measures it implements.

An app declares a register once — model, form, columns, filters, permissions — and gets from here:

- the pages: a list with filters, word search, sorting, paging and XLSX/CSV download; an entry page; create and
  edit forms with rows of child records (defendants of a criminal case, follow-up actions of a meeting);
- the API: list, read, create and update under /api/<name>/, with the same filters and rules;
- the audit: every create and change is an event in the trail ("media_findings.create" for the register
  "media-findings") naming the fields changed, never their values.

Every entry belongs to an organisation (its author's, set on creation), may be linked to plan measures, and is
addressed by a random UUID, so URLs reveal nothing about how many entries exist.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import rules
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.forms.models import inlineformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from accounts.decorators import HasViewPermission, permission_required
from lib.errors import form_add_errors, service_errors
from lib.pagination import ApiPagination, paginate
from lib.sorting import sort_by
from lib.tables import table_response

REGISTERS: dict[str, "Register"] = {}  # by name, filled as the apps declare theirs


@rules.predicate
def owns_entry(user, entry) -> bool:
    return entry is not None and user.organisation_id is not None and entry.organisation_id == user.organisation_id


@rules.predicate
def listing_or_owns_entry(user, entry) -> bool:
    """For a `read` rule limited to the user's organisation: the list is allowed (and narrowed by `visible`), one
    entry only when it is the organisation's."""
    return entry is None or owns_entry(user, entry)


def own_organisation(user) -> Q:
    """`visible` for registers whose entries only their organisation reads."""
    return Q(organisation_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])


REPEATED_CHOICE = _("Each choice may be given only once.")


def refuse_repeats(values) -> None:
    """A validator for a list of choices stored as JSON: the API could otherwise send one twice."""
    if isinstance(values, list) and len(set(map(str, values))) != len(values):
        raise ValidationError(REPEATED_CHOICE, code="repeated")


MAX_CHILD_ROWS = 500  # rows of one kind in one API request: more is an error, not thousands of saves
UNKNOWN_ROW = _("Row {id} is not one of this entry's {rows}: leave out the id to add a row.")

SAVED = _("%(entry)s is saved.")
NO_ORGANISATION = _("Your account belongs to no organisation, so it cannot record entries. Ask an administrator.")


class Entry(models.Model):
    """What every register entry has: an owning organisation, links to plan measures, an author and times."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )
    measures = models.ManyToManyField(
        "plans.Measure",
        blank=True,
        related_name="%(app_label)s_%(class)s_entries",
        verbose_name=_("plan measures"),
        help_text=_("The measures of the action plan this entry carries out."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(f"{self.register.name}-detail", args=[self.uid])

    @property
    def register(self) -> "Register":
        return next(r for r in REGISTERS.values() if r.model is type(self))


MEASURES_HINT = _("The measures of the action plan this entry carries out. Hold Ctrl (⌘ on a Mac) to choose several.")


class EntryForm(forms.ModelForm):
    """The base of register forms: dates with a date picker, measures listed in the plan's order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField) and not isinstance(form_field, forms.DateTimeField):
                form_field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if "measures" in self.fields:
            self.fields["measures"].queryset = self.fields["measures"].queryset.order_by("plan_id", "position")
            self.fields["measures"].widget.attrs["size"] = 10
            self.fields["measures"].help_text = MEASURES_HINT


def entry_form(model, fields: list[str], form: type[forms.ModelForm] = EntryForm) -> type[forms.ModelForm]:
    """A register's form: `fields`, then the plan measures."""
    return forms.modelform_factory(model, form=form, fields=[*fields, "measures"], formfield_callback=_form_field)


def _form_field(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # an address typed without a scheme is https (Django 6's default)
    return model_field.formfield(**kwargs)


@dataclass(frozen=True)
class Column:
    """One column of the list and of its download. `value` is a dotted attribute path or a function of the entry."""

    heading: str
    value: str | Callable
    sort: str = ""  # the ordering field when the column sorts; empty when it does not

    def of(self, entry):
        if callable(self.value):
            return self.value(entry)
        value = entry
        for part in self.value.split("."):
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part)
            if value is None:
                return ""
        if hasattr(value, "all"):  # a many-to-many manager
            return ", ".join(str(item) for item in value.all())
        return value


MEASURES_COLUMN = Column(_("Plan measures"), lambda entry: ", ".join(m.number for m in entry.measures.all()))
ORGANISATION_COLUMN = Column(_("Recorded by"), "organisation", sort="organisation.name")


@dataclass(frozen=True)
class Children:
    """Rows that belong to an entry and are edited with it: `model` has a foreign key to the register's model."""

    name: str  # the related name on the entry, e.g. "defendants"
    model: type[models.Model]
    fields: tuple[str, ...]
    title: str
    form: type[forms.ModelForm] = forms.ModelForm

    def rows(self, entry):
        """The entry's rows, with the objects their foreign keys name (one query, however many rows)."""
        related = [name for name in self.fields if self.model._meta.get_field(name).many_to_one]
        return getattr(entry, self.name).select_related(*related)

    def formset_class(self, parent_model):
        return inlineformset_factory(
            parent_model, self.model, form=self.form, fields=self.fields, extra=1, can_delete=True
        )


@dataclass
class Register:
    """A register, declared once. `read`, `create` and `edit` are permission names (rules); `read` and `edit` are
    also checked with the entry, so that a rule can look at its organisation. `visible(user)` narrows the list to
    what the user may read; the default is every entry."""

    name: str  # URL names and the API path: "trainings" gives /api/trainings/ and "trainings-list"
    model: type[Entry]
    form: type[forms.ModelForm]
    title: str
    columns: tuple[Column, ...]
    read: str
    create: str
    edit: str
    search: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()  # model fields offered as filters: choices, foreign keys, dates, booleans
    default_sort: str = "-created_at"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ("measures",)
    children: tuple[Children, ...] = ()
    private_fields: tuple[str, ...] = ()  # identifiers: left out of API lists; reading an entry is audited
    citable: bool = True  # whether progress reports may cite entries (never for registers about people)
    display: dict | None = None  # {field: function(user, entry)} for a value the entry page shows its own way
    links: tuple[tuple[str, str, str], ...] = ()  # (label, URL name, permission): more pages, shown on the list
    serializer_fields: dict | None = None  # API fields that replace the generated ones, e.g. a case by reference
    visible: Callable | None = None  # visible(user) -> Q
    check: Callable | None = None  # check(entry) after children are saved; raises ValidationError
    description: str = ""

    def __post_init__(self):
        REGISTERS[self.name] = self

    def queryset(self, user):
        entries = self.model.objects.select_related("organisation", *self.select_related).prefetch_related(
            *self.prefetch_related
        )
        if self.visible is not None:
            entries = entries.filter(self.visible(user))
        return entries

    def entry_for(self, user, uid, perm: str):
        """The entry, if `user` may read it (404 otherwise, so that its existence does not show), and may `perm` it
        (403 otherwise)."""
        entry = get_object_or_404(self.queryset(user), uid=uid)
        if not user.has_perm(self.read, entry):
            raise Http404
        if perm != self.read and not user.has_perm(perm, entry):
            raise PermissionDenied
        return entry

    def filter_form(self, data):
        return filter_form_class(self)(data or None)

    def filtered(self, user, data):
        """(filter form, entries) for the query string `data`. A filter value the form refuses lists no entry: the
        page says what is wrong, and a download (which cannot) never holds the whole register instead."""
        form = self.filter_form(data)
        entries = self.queryset(user)
        if not form.is_bound:
            return form, entries
        if not form.is_valid():
            return form, entries.none()
        return form, apply_filters(self, entries, form.cleaned_data)

    @property
    def sortable(self) -> dict[str, str]:
        return {column.sort.replace(".", "_"): column.sort.replace(".", "__") for column in self.columns if column.sort}

    def m2m_names(self) -> list[str]:
        return [f.name for f in self.model._meta.many_to_many if f.name in self.form.base_fields]


# Reading across registers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """Entries of one register linked to a measure, as far as a user may read them: `more` says the list was cut."""

    register: Register
    entries: list
    more: bool


def entries_for_measure(user, measure, *, organisation=None, limit: int = 10, citable=False) -> list[Linked]:
    """For each register the user may read, its visible entries linked to `measure` (one query per register),
    optionally only those of `organisation`, and only of registers progress reports may cite."""
    found = []
    for register in REGISTERS.values():
        if not user.has_perm(register.read) or (citable and not register.citable):
            continue
        entries = register.queryset(user).filter(measures=measure).prefetch_related(None)
        if organisation is not None:
            entries = entries.filter(organisation=organisation)
        entries = list(entries.order_by("-created_at", "pk")[: limit + 1])
        if entries:
            found.append(Linked(register, entries[:limit], len(entries) > limit))
    return found


def evidence_key(register: Register, entry) -> str:
    """How a progress report refers to an entry: the register's name and the entry's uid."""
    return f"{register.name}:{entry.uid}"


def readable_keys(user, entries: dict[str, Entry]) -> set[str]:
    """The keys of `entries` (from entries_by_key) that `user` may open: the register's rule and its `visible`
    narrowing, exactly as its pages apply them."""
    readable = set()
    for register in REGISTERS.values():
        keys = {key: entry for key, entry in entries.items() if type(entry) is register.model}
        if not keys or not user.has_perm(register.read):
            continue
        visible = set(register.queryset(user).filter(pk__in=[e.pk for e in keys.values()]).values_list("pk", flat=True))
        readable |= {key for key, entry in keys.items() if entry.pk in visible and user.has_perm(register.read, entry)}
    return readable


def entries_by_key(keys) -> dict[str, Entry]:
    """{key: entry} for keys made by evidence_key(); keys of unknown registers or entries are left out."""
    uids_by_register = {}
    for key in keys:
        name, _sep, uid = key.partition(":")
        if name in REGISTERS:
            uids_by_register.setdefault(name, []).append(uid)
    found = {}
    for name, uids in uids_by_register.items():
        register = REGISTERS[name]
        for entry in register.model.objects.filter(uid__in=uids).select_related("organisation"):
            found[evidence_key(register, entry)] = entry
    return found


# Filters -----------------------------------------------------------------------------------------------------


def filter_form_class(register: Register) -> type[forms.Form]:
    """A form with `q` (words), `organisation`, `measure`, and one field per name in `register.filters`. Dates get
    a from/to pair."""
    from organisations.models import Organisation
    from plans.models import Measure

    fields = {
        "q": forms.CharField(label=_("Search"), required=False, max_length=200),
        "organisation": forms.ModelChoiceField(
            Organisation.objects.filter(is_class=False).order_by("name"), label=_("Recorded by"), required=False
        ),
        "measure": forms.ModelChoiceField(
            Measure.objects.select_related("plan").order_by("plan_id", "position"),
            label=_("Plan measure"),
            required=False,
        ),
    }
    for name in register.filters:
        model_field = register.model._meta.get_field(name)
        label = model_field.verbose_name.capitalize() if model_field.verbose_name else name
        if isinstance(model_field, models.DateField | models.DateTimeField):
            widget = forms.DateInput(attrs={"type": "date"})
            fields[f"{name}_from"] = forms.DateField(label=_("%s from") % label, required=False, widget=widget)
            fields[f"{name}_to"] = forms.DateField(label=_("%s to") % label, required=False, widget=widget)
        elif model_field.choices:
            fields[name] = forms.ChoiceField(label=label, required=False, choices=[("", "—"), *model_field.choices])
        elif isinstance(model_field, models.BooleanField):
            fields[name] = forms.NullBooleanField(label=label, required=False, widget=forms.NullBooleanSelect)
        elif model_field.is_relation:
            fields[name] = forms.ModelChoiceField(model_field.related_model.objects.all(), label=label, required=False)
        else:
            raise TypeError(f"{register.name}: cannot filter on {name!r}")
    return type(f"{register.model.__name__}FilterForm", (forms.Form,), fields)


def apply_filters(register: Register, entries, data: dict):
    if data.get("q"):
        words = Q()
        for field_name in register.search:
            words |= Q(**{f"{field_name}__icontains": data["q"]})
        entries = entries.filter(words)
    if data.get("organisation"):
        entries = entries.filter(organisation=data["organisation"])
    if data.get("measure"):
        entries = entries.filter(measures=data["measure"])
    for name in register.filters:
        model_field = register.model._meta.get_field(name)
        if isinstance(model_field, models.DateField | models.DateTimeField):
            lookup = f"{name}__date" if isinstance(model_field, models.DateTimeField) else name
            if data.get(f"{name}_from"):
                entries = entries.filter(**{f"{lookup}__gte": data[f"{name}_from"]})
            if data.get(f"{name}_to"):
                entries = entries.filter(**{f"{lookup}__lte": data[f"{name}_to"]})
        elif data.get(name) not in (None, ""):
            entries = entries.filter(**{name: data[name]})
    return entries.distinct() if data.get("measure") or data.get("q") else entries


# Saving ------------------------------------------------------------------------------------------------------


def entry_save(*, register: Register, actor, entry: Entry, m2m: dict, children: dict, changed: list[str]) -> Entry:
    """Saves `entry` with its many-to-many values and the complete new set of each kind of child row, in one
    transaction: a rule broken anywhere (the entry, a row, or the register's cross-row check) saves nothing."""
    creating = entry.pk is None
    if creating:
        if actor.organisation_id is None:
            raise ValidationError(NO_ORGANISATION)
        entry.organisation_id = actor.organisation_id
        entry.created_by = actor
    with transaction.atomic():
        entry.full_clean(exclude=[name for name in m2m])
        entry.save()
        for name, values in m2m.items():
            getattr(entry, name).set(values)
        for spec in register.children:
            if spec.name in children:
                _children_replace(entry, spec, children[spec.name])
        if register.check is not None:
            register.check(entry)
        from audit.services import event_record

        event_record(
            actor=actor,
            action=f"{register.name.replace('-', '_')}.{'create' if creating else 'change'}",
            obj=entry,
            details={"fields": sorted(set(changed))},
        )
    return entry


def _children_replace(entry, spec: Children, rows: list) -> None:
    manager = getattr(entry, spec.name)
    parent_field = manager.field.name
    kept = []
    for row in rows:
        setattr(row, parent_field, entry)
        row.full_clean()
        row.save()
        kept.append(row.pk)
    manager.exclude(pk__in=kept).delete()


# Pages -------------------------------------------------------------------------------------------------------


def _list(request, register: Register):
    form, entries = register.filtered(request.user, request.GET)
    entries, sort = sort_by(request, entries, register.sortable, default=register.default_sort.replace(".", "_"))
    fmt = request.GET.get("format")
    if fmt:
        rows = [[_cell(column.of(entry)) for column in register.columns] for entry in entries[:100_000]]
        return table_response(fmt, register.name, [str(column.heading) for column in register.columns], rows)
    page = paginate(request, entries)
    context = {
        "register": register,
        "form": form,
        "page": page,
        "rows": [(entry, [column.of(entry) for column in register.columns]) for entry in page.object_list],
        "sort": sort,
        "columns": [(column, column.sort.replace(".", "_")) for column in register.columns],
        "may_create": request.user.has_perm(register.create),
        "links": [
            (label, reverse(url_name)) for label, url_name, perm in register.links if request.user.has_perm(perm)
        ],
        "filtered": form.is_bound and any(v not in (None, "") for v in getattr(form, "cleaned_data", {}).values()),
    }
    return render(request, "registers/list.html", context)


def _cell(value):
    """A value a spreadsheet cell can hold."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float) or hasattr(value, "isoformat"):
        return value.replace(tzinfo=None) if getattr(value, "tzinfo", None) else value
    if hasattr(value, "as_tuple"):  # Decimal
        return value
    return str(value)


def entry_read_record(register: Register, user, entry) -> None:
    """Every read of an entry of a register with private fields (a caller's identifiers) is in the audit trail."""
    if register.private_fields:
        from audit.services import event_record

        event_record(actor=user, action=f"{register.name.replace('-', '_')}.read", obj=entry)


def _detail(request, register: Register, uid):
    entry = register.entry_for(request.user, uid, register.read)
    entry_read_record(register, request.user, entry)
    form = register.form(instance=entry)
    shown = register.display or {}
    children = [
        (
            spec,
            [spec.model._meta.get_field(name).verbose_name for name in spec.fields],
            [[display_value(row, name) for name in spec.fields] for row in spec.rows(entry)],
        )
        for spec in register.children
    ]
    context = {
        "register": register,
        "entry": entry,
        "fields": [
            (form[name].label, shown[name](request.user, entry) if name in shown else display_value(entry, name))
            for name in form.fields
            if name != "measures"  # the template lists them, linked
        ],
        "children": children,
        "may_edit": request.user.has_perm(register.edit, entry),
    }
    return render(request, "registers/detail.html", context)


def display_value(obj, name: str):
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(str(item) for item in getattr(obj, name).all())
    if model_field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return "" if value is None else value


def _form(request, register: Register, uid=None):
    if uid is None:
        if not request.user.has_perm(register.create):
            raise PermissionDenied
        entry = register.model()
    else:
        entry = register.entry_for(request.user, uid, register.edit)
    data = request.POST if request.method == "POST" else None
    form = register.form(data, instance=entry)
    formsets = [
        (spec, spec.formset_class(register.model)(data, instance=entry, prefix=spec.name)) for spec in register.children
    ]
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for _s, fs in formsets):
        try:
            entry = entry_save(
                register=register,
                actor=request.user,
                entry=form.instance,
                m2m={name: form.cleaned_data[name] for name in register.m2m_names()},
                children={spec.name: _kept_rows(fs) for spec, fs in formsets},
                changed=form.changed_data + [spec.name for spec, fs in formsets if fs.has_changed()],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, SAVED % {"entry": entry})
            return redirect(entry)
    context = {"register": register, "entry": entry if uid else None, "form": form, "formsets": formsets}
    return render(request, "registers/form.html", context)


def _kept_rows(formset) -> list:
    """The rows a submitted formset leaves: existing rows not deleted and filled-in new ones, as model instances
    (validation already put the submitted values on them)."""
    deleted = set(formset.deleted_forms)
    return [
        form.instance
        for form in formset.forms
        if form not in deleted and (form.instance.pk is not None or form.has_changed())
    ]


def urls(register: Register) -> list:
    """The register's pages, to include under its prefix: "", "new/", "<uuid>/", "<uuid>/edit/"."""
    name = register.name

    @permission_required(register.read)
    def entry_list(request):
        return _list(request, register)

    @permission_required(register.read)
    def entry_detail(request, uid):
        return _detail(request, register, uid)

    @permission_required(register.create)
    @require_http_methods(["GET", "POST"])
    def entry_create(request):
        return _form(request, register)

    @permission_required(register.read)
    @require_http_methods(["GET", "POST"])
    def entry_edit(request, uid):
        return _form(request, register, uid)

    return [
        path("", entry_list, name=f"{name}-list"),
        path("new/", entry_create, name=f"{name}-create"),
        path("<uuid:uid>/", entry_detail, name=f"{name}-detail"),
        path("<uuid:uid>/edit/", entry_edit, name=f"{name}-edit"),
    ]


# API ---------------------------------------------------------------------------------------------------------


def serializer_class(register: Register, *, omit=()) -> type[serializers.ModelSerializer]:
    """A serializer with the form's fields (but `omit`), the entry's identity, and its child rows nested (written as a
    whole set: rows not sent are removed)."""
    attrs = {}
    for spec in register.children:
        child_meta = type("Meta", (), {"model": spec.model, "fields": ["id", *spec.fields]})
        child_attrs = {"Meta": child_meta, "id": serializers.IntegerField(required=False)}
        child = type(f"{spec.model.__name__}Serializer", (serializers.ModelSerializer,), child_attrs)
        attrs[spec.name] = child(many=True, required=False, max_length=MAX_CHILD_ROWS)
    attrs["organisation"] = serializers.StringRelatedField(read_only=True)
    attrs.update(register.serializer_fields or {})
    form_fields = [name for name in register.form.base_fields if name not in omit]
    meta_fields = ["uid", "organisation", *form_fields, *[c.name for c in register.children]]
    meta_fields += ["created_at", "updated_at"]
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": register.model,
            "fields": meta_fields,
            "read_only_fields": ["uid", "created_at", "updated_at"],
        },
    )
    name = f"{register.model.__name__}{'Summary' if omit else ''}Serializer"
    return type(name, (serializers.ModelSerializer,), attrs)


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update; no delete (a register keeps what happened). `viewset()` makes one per
    register."""

    register: Register
    permission_classes = [HasViewPermission]
    pagination_class = ApiPagination
    lookup_field = "uid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.register.model.objects.none()
        children = [spec.name for spec in self.register.children]
        form, entries = self.register.filtered(self.request.user, self.request.query_params)
        if form.errors:
            raise ApiValidationError(form.errors)  # 400 naming the filters, as the other endpoints answer
        return entries.prefetch_related(*children).order_by("-created_at", "pk")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Refused before the data is validated, so a validation message never tells a reader anything.
        if self.action == "create" and not request.user.has_perm(self.register.create):
            raise ApiPermissionDenied

    def get_object(self):
        entry = super().get_object()
        if not self.request.user.has_perm(self.register.read, entry):
            raise Http404
        if self.action in ("update", "partial_update") and not self.request.user.has_perm(self.register.edit, entry):
            raise ApiPermissionDenied
        return entry

    def get_serializer_class(self):
        return self.list_serializer_class if self.action == "list" else self.serializer_class

    def retrieve(self, request, *args, **kwargs):
        entry = self.get_object()
        entry_read_record(self.register, request.user, entry)
        return Response(self.get_serializer(entry).data)

    def perform_create(self, serializer):
        if not self.request.user.has_perm(self.register.create):
            raise ApiPermissionDenied
        self._save(serializer, self.register.model())

    def perform_update(self, serializer):
        if not self.request.user.has_perm(self.register.edit, serializer.instance):
            raise ApiPermissionDenied
        self._save(serializer, serializer.instance)

    def _save(self, serializer, entry):
        register = self.register
        data = dict(serializer.validated_data)
        m2m = {name: data.pop(name) for name in register.m2m_names() if name in data}
        with service_errors():
            children = {
                spec.name: [_child_row(spec, entry, row) for row in data.pop(spec.name)]
                for spec in register.children
                if spec.name in data
            }
        for name, value in data.items():
            setattr(entry, name, value)
        with service_errors():
            serializer.instance = entry_save(
                register=register,
                actor=self.request.user,
                entry=entry,
                m2m=m2m,
                children=children,
                changed=list(serializer.validated_data),
            )


def viewset(register: Register) -> type[EntryViewSet]:
    full = serializer_class(register)
    attrs = {
        "register": register,
        "serializer_class": full,
        # Lists leave out private fields (a caller's identifiers): they are read one entry at a time, audited.
        "list_serializer_class": serializer_class(register, omit=register.private_fields)
        if register.private_fields
        else full,
        "required_permission": register.read,
        "__doc__": str(register.description or register.title),
    }
    return type(f"{register.model.__name__}ViewSet", (EntryViewSet,), attrs)


def _child_row(spec: Children, entry, values: dict):
    """A child row from API data: the existing row when its id is given and belongs to the entry, else a new one."""
    values = dict(values)
    row_id = values.pop("id", None)
    row = spec.model()
    if row_id is not None:
        row = getattr(entry, spec.name).filter(pk=row_id).first() if entry.pk is not None else None
        if row is None:
            raise ValidationError({spec.name: UNKNOWN_ROW.format(id=row_id, rows=spec.title.lower())})
    for name, value in values.items():
        setattr(row, name, value)
    return row

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions
from .enrichment.stored import final_tags
from .enrichment.tags import FACETS as TAG_FIELDS
from .models import (
    Actor,
    ActorLink,
    Article,
    Collection,
    Source,
    SourceStatusChange,
    TagOverride,
    Topic,
    Venue,
)

# A URL typed without a scheme is taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SourceForm(forms.ModelForm):
    """The source's own fields plus a status move (with its reason), done by actions."""

    homepage = forms.URLField(
        label=_("homepage"), required=False, max_length=500, assume_scheme="https"
    )

    new_status = forms.ChoiceField(
        label=_("Change status to"), required=False, choices=[("", "—"), *Source.Status.choices]
    )
    status_reason = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Source
        fields = ("slug", "name", "homepage", "country", "language", "kind", "collections", "notes")

    def clean(self):
        data = super().clean()
        if data.get("new_status") and not (data.get("status_reason") or "").strip():
            raise ValidationError({"status_reason": _("Say why the status changes.")})
        return data


class SourceStatusChangeInline(admin.TabularInline):
    model = SourceStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by actions.change_source_status only


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    formfield_overrides = URL_FIELDS
    list_display = (
        "slug",
        "name",
        "status",
        "kind",
        "country",
        "language",
        "article_count",
        "homepage",
    )
    list_filter = ("status", "kind", "collections", "country", "language")
    search_fields = ("slug", "name", "homepage", "notes")
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("collections",)
    inlines = (SourceStatusChangeInline,)
    actions = ("activate_sources", "pause_sources", "retire_sources")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="_article_count")
    def article_count(self, source: Source) -> int:
        return source._article_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            SourceStatusChange.objects.create(
                source=obj, to_status=obj.status, changed_by=request.user, reason="added in admin"
            )
        target = form.cleaned_data.get("new_status")
        if target and target != obj.status:
            try:
                actions.change_source_status(
                    obj.pk, target, reason=form.cleaned_data["status_reason"], user=request.user
                )
            except actions.InvalidTransition as error:
                self.message_user(request, str(error), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        """Collections go through actions: a change re-indexes the source's articles."""
        actions.set_source_collections(
            form.instance.pk, [c.pk for c in form.cleaned_data.get("collections", [])]
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _move(self, request, queryset, status: str) -> None:
        moved = 0
        for source in queryset:
            try:
                actions.change_source_status(
                    source.pk, status, reason="bulk action in the admin", user=request.user
                )
                moved += 1
            except actions.InvalidTransition as error:
                self.message_user(request, f"{source.slug}: {error}", messages.WARNING)
        self.message_user(request, _("%(n)d sources changed.") % {"n": moved}, messages.SUCCESS)

    @admin.action(description=_("Activate selected sources (collect them)"))
    def activate_sources(self, request, queryset):
        self._move(request, queryset, Source.Status.ACTIVE)

    @admin.action(description=_("Pause selected sources"))
    def pause_sources(self, request, queryset):
        self._move(request, queryset, Source.Status.PAUSED)

    @admin.action(description=_("Retire selected sources (their articles stay searchable)"))
    def retire_sources(self, request, queryset):
        self._move(request, queryset, Source.Status.RETIRED)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ar", "name_en", "source_count")
    search_fields = ("slug", "name_ar", "name_en")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_source_count=Count("sources"))

    @admin.display(description=_("sources"), ordering="_source_count")
    def source_count(self, collection: Collection) -> int:
        return collection._source_count

    def save_model(self, request, obj, form, change):
        actions.save_collection(obj)

    def delete_model(self, request, obj):
        actions.delete_collection(obj.pk)

    def delete_queryset(self, request, queryset):
        for collection in queryset:
            actions.delete_collection(collection.pk)


class TagOverrideInline(admin.TabularInline):
    model = TagOverride
    extra = 1
    fields = ("facet", "slug", "action", "note", "curator", "created_at")
    readonly_fields = ("curator", "created_at")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("title", "source", "published_at", "published_at_source", "language", "status")
    list_filter = ("status", "source", "language", "published_at_source")
    search_fields = ("title", "url", "byline", "key")
    date_hierarchy = "published_at"
    list_select_related = ("source",)
    list_per_page = 50
    show_full_result_count = False  # counting millions of rows on every page view is slow
    actions = ("hide_articles", "show_articles")
    inlines = (TagOverrideInline,)
    readonly_fields = (
        "tags_with_evidence",
        "event_dates",
        "story_id",
        "source",
        "key",
        "url",
        "canonical_url",
        "origin",
        "raw",
        "raw_encoding",
        "content_hash",
        "collected_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "byline", "body", "status")}),
        (
            _("Where it came from"),
            {"fields": ("source", "url", "canonical_url", "key", "origin", "collected_at")},
        ),
        (_("Date"), {"fields": ("published_at", "published_at_source", "language")}),
        (
            _("Enrichment"),
            {"fields": ("tags_with_evidence", "event_dates", "story_id")},
        ),
        (
            _("Raw input"),
            {
                "classes": ("collapse",),
                "fields": ("raw", "raw_encoding", "content_hash", "created_at", "updated_at"),
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False  # articles come from ingestion, never typed in

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # curators hide articles; the record and its history stay

    @admin.display(description=_("tags (with curators' decisions) and their evidence"))
    def tags_with_evidence(self, article: Article) -> str:
        tags = final_tags(article.tags, article.tag_overrides.all())
        rows = []
        for facet in TAG_FIELDS:
            for hit in getattr(tags, facet):
                evidence = " · ".join(hit.evidence[:3])
                rows.append(
                    format_html(
                        "<li><b>{}</b> {} <small>({})</small> — {}</li>",
                        facet,
                        hit.slug,
                        hit.source,
                        evidence,
                    )
                )
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((r,) for r in rows)))

    def save_formset(self, request, form, formset, change):
        """Curators' tag decisions go through actions (they re-index the article)."""
        if formset.model is not TagOverride:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            actions.remove_tag_override(deleted.pk)
        for override in instances:
            actions.set_tag_override(
                override.article_id,
                override.facet,
                override.slug,
                override.action,
                curator=request.user,
                note=override.note,
            )

    @admin.action(description=_("Hide selected articles"))
    def hide_articles(self, request, queryset):
        self._set_status(request, queryset, Article.Status.HIDDEN)

    @admin.action(description=_("Show (unhide) selected articles"))
    def show_articles(self, request, queryset):
        self._set_status(request, queryset, Article.Status.VISIBLE)

    def _set_status(self, request, queryset, status: str) -> None:
        changed = actions.set_article_status(queryset.values_list("pk", flat=True), status)
        message = ngettext("%(n)d article changed.", "%(n)d articles changed.", changed)
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)


# ------------------------------------------------------------------------------------------
# Gazetteer and curators' tag decisions
# ------------------------------------------------------------------------------------------


class GazetteerAdmin(admin.ModelAdmin):
    """Saving an entry re-tags the articles it may concern, in the background."""

    search_fields = ("slug", "name_ar", "name_en", "aliases")
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        actions.gazetteer_changed(obj, previous_phrases=before.phrases() if before else ())

    def delete_model(self, request, obj):
        actions.gazetteer_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:  # the changelist's "delete selected" bypasses delete_model
            actions.gazetteer_changed(entry)
        super().delete_queryset(request, queryset)


class ActorLinkInline(admin.TabularInline):
    model = ActorLink
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(Actor)
class ActorAdmin(GazetteerAdmin):
    list_display = ("name_ar", "name_en", "slug", "kind")
    list_filter = ("kind",)
    inlines = (ActorLinkInline,)
    autocomplete_fields = ("place",)


@admin.register(Venue)
class VenueAdmin(GazetteerAdmin):
    list_display = ("name_ar", "name_en", "slug", "kind", "country")
    list_filter = ("kind", "country")


@admin.register(Topic)
class TopicAdmin(GazetteerAdmin):
    list_display = ("name_ar", "name_en", "slug", "parent")
    list_filter = ("parent",)
    search_fields = ("slug", "name_ar", "name_en", "cues")

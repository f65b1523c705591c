"""The assistant's own data: curated answers, conversations (masked) and help-desk handoffs.

Facts about services, fees and offices are not stored here: they are read from the catalog and
office tables when the knowledge index is built, so a fee changed in the catalog changes the
assistant's answer (see knowledge.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PASSPORT = "passport", _("Passports")
    VISA = "visa", _("Visas")
    STAY_PERMIT = "stay_permit", _("Stay permits")
    QUEUE = "queue", _("Office visits and queue")
    PAYMENT = "payment", _("Payment")
    OFFICES = "offices", _("Offices")
    COMPLAINTS = "complaints", _("Complaints")
    PRIVACY = "privacy", _("Personal data")
    ACCESSIBILITY = "accessibility", _("Accessibility and priority service")
    ARRIVAL = "arrival", _("Arrival in Indonesia")
    DUAL_CITIZENSHIP = "dual_citizenship", _("Dual-citizenship children")
    GENERAL = "general", _("General")


class KnowledgeEntry(models.Model):
    """A curated question-and-answer pair, edited by content editors in both languages."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    questions_id = models.TextField(_("questions (Indonesian), one per line"))
    questions_en = models.TextField(_("questions (English), one per line"))
    keywords = models.TextField(_("extra words and synonyms, comma separated"), blank=True)
    answer_id = models.TextField(
        _("answer (Indonesian)"),
        help_text=_(
            "Catalog facts are placeholders, filled in when answering: {fee:service-code}, "
            "{fee:service-code:variant-code}, {time:service-code}."
        ),
    )
    answer_en = models.TextField(_("answer (English)"))
    source = models.CharField(_("page of ours that the answer cites"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["topic", "slug"]
        verbose_name = _("assistant answer")
        verbose_name_plural = _("assistant answers")

    def __str__(self) -> str:
        return self.slug


class ConversationState(models.TextChoices):
    BOT = "bot", _("Answered by the assistant")
    WAITING = "waiting", _("Waiting for a person")
    HUMAN = "human", _("A person is answering")
    CLOSED = "closed", _("Closed")


class Conversation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(max_length=5, default="id")
    state = models.CharField(
        max_length=10, choices=ConversationState.choices, default=ConversationState.BOT
    )
    misses = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    handoff_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistant_conversations",
    )

    class Meta:
        indexes = [models.Index(fields=["state", "handoff_at"], name="assistant_conv_state")]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.state})"


class Role(models.TextChoices):
    PERSON = "person", _("Person asking")
    ASSISTANT = "assistant", _("Assistant")
    STAFF = "staff", _("Staff")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    CLARIFY = "clarify", _("Suggestions offered")
    OUT_OF_SCOPE = "out_of_scope", _("Declined")
    HANDOFF = "handoff", _("Handed to a person")


class Message(models.Model):
    """One turn. ``text`` is stored with NIK, passport numbers, phones and emails masked."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField()
    language = models.CharField(max_length=5, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    intent = models.CharField(max_length=20, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    matched = models.CharField(max_length=120, blank=True)
    sources = models.JSONField(default=list, blank=True)
    helpful = models.BooleanField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["outcome", "created_at"], name="assistant_msg_outcome")]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:40]}"

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yhdessa import access
from yhdessa.accounts import invitations, roles
from yhdessa.accounts.forms import (
    LanguageForm,
    NewProfessionalForm,
    RoleForm,
    TokenForm,
    VerifyForm,
)
from yhdessa.accounts.models import LoginInvitation, User
from yhdessa.accounts.two_factor import new_recovery_codes, reset_second_factor
from yhdessa.locale_middleware import set_language_cookie

# django-otp slows guessing down: after a wrong code the next try waits a while.
WAIT = gettext_lazy("Liian monta väärää koodia peräkkäin. Odota hetki ja yritä uudelleen.")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, then prove it with one token."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, _("Kaksivaiheinen tunnistautuminen on jo käytössä."))
        return redirect("home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or (
        TOTPDevice.objects.create(user=request.user, name="Yhdessä", confirmed=False)
    )
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", WAIT)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Kaksivaiheinen tunnistautuminen on nyt käytössä."))
            # Shown this once: the page is rendered, not redirected to.
            codes = new_recovery_codes(user=request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "token", _("Koodi ei täsmää. Tarkista sovelluksen koodi ja yritä uudelleen.")
        )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            "key": base64.b32encode(device.bin_key).decode(),
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in."""
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.user.is_verified():
        return redirect(target)
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The app's code or a recovery code (each recovery code works once).
        devices = list(devices_for_user(request.user))
        if not any(d.verify_is_allowed()[0] for d in devices):
            form.add_error("token", WAIT)
        elif (device := match_token(request.user, form.cleaned_data["token"])) is not None:
            otp_login(request, device)
            return redirect(target)
        else:
            form.add_error("token", _("Koodi ei täsmää tai se on vanhentunut. Yritä uudelleen."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    if not user_has_device(request.user):
        # Nothing to recover yet: the codes come with the authenticator app.
        return render(request, "accounts/recovery_codes.html", {"no_device": True})
    if not request.user.is_verified():
        # A password alone does not get new codes: the second step first.
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    if request.method == "POST":
        codes = new_recovery_codes(user=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes.html", {"codes": None})


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link a coordinator sent: set a password and log in."""
    invitation = invitations.find_invitation(token)
    if (why := invitations.refusal(invitation)) is not None:
        return render(request, "accounts/invitation_invalid.html", {"why": why}, status=410)
    professional = invitation.professional
    # The password validators compare the password with the name and address.
    person = professional.user or User(
        username=invitation.email, email=invitation.email, first_name=professional.name
    )
    form = SetPasswordForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as refused:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"why": refused.messages[0]},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Salasana on asetettu. Tervetuloa Yhdessä-palveluun!"))
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "professional": professional, "username": person.username},
    )


def _managed(request: HttpRequest, pk: int):
    """A professional the coordinator keeps; anyone else's: 404."""
    return get_object_or_404(access.professionals_managed_by(request.user), pk=pk)


def _new_form(request: HttpRequest, data=None) -> NewProfessionalForm:
    return NewProfessionalForm(
        data, organisations=access.organisations_managed_by(request.user).order_by("name")
    )


@login_required
def logins(request: HttpRequest, new_form: NewProfessionalForm | None = None) -> HttpResponse:
    """Who of the municipality's professionals can log in, when they last
    did, and whose invitation is waiting."""
    if not access.may_keep_directory(request.user):
        raise Http404
    waiting = LoginInvitation.objects.filter(
        professional=OuterRef("pk"), used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    people = (
        access.professionals_managed_by(request.user)
        .filter(is_active=True)
        .select_related("user", "organisation")
        .annotate(
            invited_until=Subquery(waiting.values("expires_at")[:1]),
            has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user_id"))),
        )
        .order_by("name")
    )
    return render(
        request,
        "accounts/logins.html",
        {
            "people": people,
            "new_form": new_form or _new_form(request),
            "may_add": access.coordinated_municipality_id(request.user) is not None,
        },
    )


@require_POST
@login_required
def invite_new(request: HttpRequest) -> HttpResponse:
    """Add a new professional of the municipality and invite them at once."""
    if access.coordinated_municipality_id(request.user) is None:
        raise Http404
    form = _new_form(request, request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invite_new_professional(
                actor=request.user, data=form.cleaned_data
            )
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Kutsu kirjautumaan on lähetetty: %(name)s.")
                % {"name": invitation.professional.name},
            )
            return redirect("accounts:logins")
    return logins(request, new_form=form)


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    professional = _managed(request, pk)
    try:
        action(actor=request.user, professional=professional)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(request, done % {"name": professional.name})
    return redirect("accounts:logins")


@require_POST
@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send (again) a link to log in; an older link stops working."""
    return _act(
        request,
        pk,
        invitations.invite_to_log_in,
        _("Kutsu kirjautumaan on lähetetty: %(name)s."),
    )


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, invitations.revoke_invitations, _("Kutsu on peruttu: %(name)s."))


@require_POST
@login_required
def reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        reset_second_factor,
        _("Kaksivaiheinen tunnistautuminen on nollattu: %(name)s ottaa sen käyttöön uudelleen."),
    )


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    """The users whose roles the actor keeps, with their roles."""
    if not access.may_keep_directory(request.user):
        raise Http404
    people = (
        access.users_managed_by(request.user)
        .select_related("municipality", "county")
        .order_by("last_name", "first_name", "username")
    )
    return render(request, "accounts/roles.html", {"people": people})


@login_required
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Give or take away a role; a user outside the actor's scope: 404."""
    person = get_object_or_404(
        access.users_managed_by(request.user).select_related("municipality", "county"), pk=pk
    )
    admin = access.is_system_admin(request.user)
    initial = {
        "role": person.role,
        "municipality": person.municipality_id,
        "county": person.county_id,
        "is_admin": person.is_superuser,
    }
    form = RoleForm(
        request.POST if request.method == "POST" else None, admin=admin, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = roles.change_role(
                actor=request.user,
                user_id=person.pk,
                role=data["role"],
                municipality=data.get("municipality"),
                county=data.get("county"),
                admin=data["is_admin"] if admin else None,
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for field, errors in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            name = person.get_full_name() or person.username
            if change is None:
                messages.info(request, _("Roolit ennallaan: %(name)s.") % {"name": name})
            else:
                messages.success(request, _("Roolit tallennettu: %(name)s.") % {"name": name})
            return redirect("accounts:roles")
    return render(request, "accounts/role_edit.html", {"form": form, "person": person})


@login_required
def user_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: the language of the pages and messages."""
    user = request.user
    form = LanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"language": user.language or translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        User.objects.filter(pk=user.pk).update(language=language)
        translation.activate(language)
        messages.success(request, _("Asetukset on tallennettu."))
        response = redirect("accounts:settings")
        set_language_cookie(response, language)
        return response
    return render(request, "accounts/settings.html", {"form": form})

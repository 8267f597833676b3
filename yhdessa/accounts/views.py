import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from yhdessa.accounts.forms import TokenForm

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
            return redirect("home")
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
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
        if not any(d.verify_is_allowed()[0] for d in devices):
            form.add_error("token", WAIT)
        elif (device := match_token(request.user, form.cleaned_data["token"])) is not None:
            otp_login(request, device)
            return redirect(target)
        else:
            form.add_error("token", _("Koodi ei täsmää tai se on vanhentunut. Yritä uudelleen."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})

"""Messages of Django, allauth and allauth.mfa that can reach the screens Oqu shows (G-17).

Upstream Kazakh catalogs are incomplete (allauth ships none; Django's `kk` lacks the password
validators). The templates are overridden with the project's own text, but these messages come from
the libraries' Python code: form errors and validator messages. Listing the exact upstream msgids
here lets `makemessages` put them in `locale/kk` and `locale/ru`; at run time Django looks them up
in `LOCALE_PATHS` first, so the project's translation is used by the library's own `gettext` call.
Nothing imports this module: it exists for the extractor only. Keep the msgids byte for byte.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    # Django forms and auth
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid date."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("username"),
    gettext_noop("first name"),
    gettext_noop("last name"),
    gettext_noop("email address"),
    # allauth.account: login and password forms
    gettext_noop("This account is currently inactive."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid login."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("The email address is not assigned to any user account."),
    # allauth.mfa
    gettext_noop("Incorrect code."),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    # allauth.mfa: the name a new passkey or security key is given by default (G-5.11)
    gettext_noop("Master key"),
    gettext_noop("Backup key"),
    gettext_noop("Key nr. {number}"),
)

PLURAL_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    # django.utils.timesince: the period of "Trust for …" on the two-factor trust screen
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)

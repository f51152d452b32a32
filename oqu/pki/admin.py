from django.contrib import admin

from .models import TrustedRoot, Verification


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    list_display = ("name", "sha256", "is_active")
    list_filter = ("is_active",)
    readonly_fields = ("sha256",)


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ("checked_at", "outcome", "signer_name", "signer_iin", "signer_bin", "purpose")
    list_filter = ("outcome", "purpose", "provider")
    exclude = ("signature",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

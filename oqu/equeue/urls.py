from django.urls import path

from . import views

app_name = "equeue"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("applications/<uuid:application_id>/", views.application, name="application"),
    path("directions/<uuid:direction_id>/answer/", views.direction_answer, name="answer"),
    path("directions/<uuid:direction_id>/accept/", views.direction_accept, name="accept"),
    path("directions/<uuid:direction_id>/extension/", views.direction_extend, name="extend"),
    path("district/", views.district, name="district"),
    path("runs/<uuid:run_id>/", views.run, name="run"),
    path("directions/", views.directions, name="directions"),
]

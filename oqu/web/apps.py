from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "oqu.web"
    label = "web"

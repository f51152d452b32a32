"""History of personal data (G-5.8 "with history of changes")."""

from simple_history import register as register_history

from .models import Employment, Enrolment, Guardianship, Person

for model in (Person, Enrolment, Employment, Guardianship):
    register_history(model)

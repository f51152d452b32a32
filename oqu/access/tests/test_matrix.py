"""The authorization matrix at the selector and service level (G-5.8, G-5.10).

Every declared capability × a role of each level × where the target unit lies from the grant:
own unit, child unit (grant on a district → a school in it), sibling unit (another school of the
same district, another district of the same region, another region), parent unit (grant on a
school → its district). The outcomes are written out below, row by row, from the role table of
the law and the access rule "outside the scope → 404, visible but not allowed → 403"; they are
not computed from the code under test. The API level has its own matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from oqu.access import scope
from oqu.access.capabilities import all_capabilities
from oqu.kernel.errors import Forbidden, NotFound
from oqu.orgs.models import Unit
from oqu.tests import factories as f

RELATIONS = ("own", "child", "sibling", "parent")

# Where each role is granted, and which unit of `org_tree` each relation points at.
PLACES = {
    "school_teacher": (
        "school_a1",
        {"own": "school_a1", "sibling": "school_a1_other", "parent": "district_a1"},
    ),
    "school_deputy_director": (
        "school_a1",
        {"own": "school_a1", "sibling": "school_a1_other", "parent": "district_a1"},
    ),
    "school_director": (
        "school_a1",
        {"own": "school_a1", "sibling": "school_a1_other", "parent": "district_a1"},
    ),
    "preschool_head": (
        "preschool_a1",
        {"own": "preschool_a1", "sibling": "school_a1", "parent": "district_a1"},
    ),
    "district_specialist": (
        "district_a1",
        {
            "own": "district_a1",
            "child": "school_a1",
            "sibling": "district_a2",
            "parent": "region_a",
        },
    ),
    "district_head": (
        "district_a1",
        {
            "own": "district_a1",
            "child": "school_a1",
            "sibling": "district_a2",
            "parent": "region_a",
        },
    ),
    "region_specialist": (
        "region_a",
        {"own": "region_a", "child": "district_a1", "sibling": "region_b", "parent": "republic"},
    ),
    "region_head": (
        "region_a",
        {"own": "region_a", "child": "school_a2", "sibling": "region_b", "parent": "republic"},
    ),
    "ministry_head": ("republic", {"own": "republic", "child": "school_b1"}),
    "platform_admin": ("republic", {"own": "republic", "child": "district_b1"}),
}

# capability | role | own | child | sibling | parent   ("--": the relation does not exist)
MATRIX = """
orgs.unit.view             | school_teacher         | ok  | --  | 404 | 404
orgs.unit.view             | school_deputy_director | ok  | --  | 404 | 404
orgs.unit.view             | school_director        | ok  | --  | 404 | 404
orgs.unit.view             | preschool_head         | ok  | --  | 404 | 404
orgs.unit.view             | district_specialist    | ok  | ok  | 404 | 404
orgs.unit.view             | district_head          | ok  | ok  | 404 | 404
orgs.unit.view             | region_specialist      | ok  | ok  | 404 | 404
orgs.unit.view             | region_head            | ok  | ok  | 404 | 404
orgs.unit.view             | ministry_head          | ok  | ok  | --  | --
orgs.unit.view             | platform_admin         | ok  | ok  | --  | --
orgs.unit.manage           | school_teacher         | 403 | --  | 404 | 404
orgs.unit.manage           | school_deputy_director | 403 | --  | 404 | 404
orgs.unit.manage           | school_director        | 403 | --  | 404 | 404
orgs.unit.manage           | preschool_head         | 403 | --  | 404 | 404
orgs.unit.manage           | district_specialist    | 403 | 403 | 404 | 404
orgs.unit.manage           | district_head          | ok  | ok  | 404 | 404
orgs.unit.manage           | region_specialist      | 403 | 403 | 404 | 404
orgs.unit.manage           | region_head            | ok  | ok  | 404 | 404
orgs.unit.manage           | ministry_head          | ok  | ok  | --  | --
orgs.unit.manage           | platform_admin         | ok  | ok  | --  | --
orgs.attribute.manage      | school_teacher         | 403 | --  | 404 | 404
orgs.attribute.manage      | school_deputy_director | 403 | --  | 404 | 404
orgs.attribute.manage      | school_director        | ok  | --  | 404 | 404
orgs.attribute.manage      | preschool_head         | ok  | --  | 404 | 404
orgs.attribute.manage      | district_specialist    | ok  | ok  | 404 | 404
orgs.attribute.manage      | district_head          | ok  | ok  | 404 | 404
orgs.attribute.manage      | region_specialist      | ok  | ok  | 404 | 404
orgs.attribute.manage      | region_head            | ok  | ok  | 404 | 404
orgs.attribute.manage      | ministry_head          | ok  | ok  | --  | --
orgs.attribute.manage      | platform_admin         | ok  | ok  | --  | --
people.person.view         | school_teacher         | ok  | --  | 404 | 404
people.person.view         | school_deputy_director | ok  | --  | 404 | 404
people.person.view         | school_director        | ok  | --  | 404 | 404
people.person.view         | preschool_head         | ok  | --  | 404 | 404
people.person.view         | district_specialist    | ok  | ok  | 404 | 404
people.person.view         | district_head          | ok  | ok  | 404 | 404
people.person.view         | region_specialist      | ok  | ok  | 404 | 404
people.person.view         | region_head            | ok  | ok  | 404 | 404
people.person.view         | ministry_head          | ok  | ok  | --  | --
people.person.view         | platform_admin         | ok  | ok  | --  | --
people.person.manage       | school_teacher         | 403 | --  | 404 | 404
people.person.manage       | school_deputy_director | ok  | --  | 404 | 404
people.person.manage       | school_director        | ok  | --  | 404 | 404
people.person.manage       | preschool_head         | ok  | --  | 404 | 404
people.person.manage       | district_specialist    | 403 | 403 | 404 | 404
people.person.manage       | district_head          | 403 | 403 | 404 | 404
people.person.manage       | region_specialist      | 403 | 403 | 404 | 404
people.person.manage       | region_head            | 403 | 403 | 404 | 404
people.person.manage       | ministry_head          | 403 | 403 | --  | --
people.person.manage       | platform_admin         | ok  | ok  | --  | --
people.enrolment.view      | school_teacher         | ok  | --  | 404 | 404
people.enrolment.view      | school_deputy_director | ok  | --  | 404 | 404
people.enrolment.view      | school_director        | ok  | --  | 404 | 404
people.enrolment.view      | preschool_head         | ok  | --  | 404 | 404
people.enrolment.view      | district_specialist    | ok  | ok  | 404 | 404
people.enrolment.view      | district_head          | ok  | ok  | 404 | 404
people.enrolment.view      | region_specialist      | ok  | ok  | 404 | 404
people.enrolment.view      | region_head            | ok  | ok  | 404 | 404
people.enrolment.view      | ministry_head          | ok  | ok  | --  | --
people.enrolment.view      | platform_admin         | ok  | ok  | --  | --
people.enrolment.manage    | school_teacher         | 403 | --  | 404 | 404
people.enrolment.manage    | school_deputy_director | ok  | --  | 404 | 404
people.enrolment.manage    | school_director        | ok  | --  | 404 | 404
people.enrolment.manage    | preschool_head         | ok  | --  | 404 | 404
people.enrolment.manage    | district_specialist    | 403 | 403 | 404 | 404
people.enrolment.manage    | district_head          | 403 | 403 | 404 | 404
people.enrolment.manage    | region_specialist      | 403 | 403 | 404 | 404
people.enrolment.manage    | region_head            | 403 | 403 | 404 | 404
people.enrolment.manage    | ministry_head          | 403 | 403 | --  | --
people.enrolment.manage    | platform_admin         | ok  | ok  | --  | --
people.employment.view     | school_teacher         | ok  | --  | 404 | 404
people.employment.view     | school_deputy_director | ok  | --  | 404 | 404
people.employment.view     | school_director        | ok  | --  | 404 | 404
people.employment.view     | preschool_head         | ok  | --  | 404 | 404
people.employment.view     | district_specialist    | ok  | ok  | 404 | 404
people.employment.view     | district_head          | ok  | ok  | 404 | 404
people.employment.view     | region_specialist      | ok  | ok  | 404 | 404
people.employment.view     | region_head            | ok  | ok  | 404 | 404
people.employment.view     | ministry_head          | ok  | ok  | --  | --
people.employment.view     | platform_admin         | ok  | ok  | --  | --
people.employment.manage   | school_teacher         | 403 | --  | 404 | 404
people.employment.manage   | school_deputy_director | 403 | --  | 404 | 404
people.employment.manage   | school_director        | ok  | --  | 404 | 404
people.employment.manage   | preschool_head         | ok  | --  | 404 | 404
people.employment.manage   | district_specialist    | 403 | 403 | 404 | 404
people.employment.manage   | district_head          | 403 | 403 | 404 | 404
people.employment.manage   | region_specialist      | 403 | 403 | 404 | 404
people.employment.manage   | region_head            | 403 | 403 | 404 | 404
people.employment.manage   | ministry_head          | 403 | 403 | --  | --
people.employment.manage   | platform_admin         | ok  | ok  | --  | --
people.guardianship.view   | school_teacher         | ok  | --  | 404 | 404
people.guardianship.view   | school_deputy_director | ok  | --  | 404 | 404
people.guardianship.view   | school_director        | ok  | --  | 404 | 404
people.guardianship.view   | preschool_head         | ok  | --  | 404 | 404
people.guardianship.view   | district_specialist    | ok  | ok  | 404 | 404
people.guardianship.view   | district_head          | ok  | ok  | 404 | 404
people.guardianship.view   | region_specialist      | ok  | ok  | 404 | 404
people.guardianship.view   | region_head            | ok  | ok  | 404 | 404
people.guardianship.view   | ministry_head          | ok  | ok  | --  | --
people.guardianship.view   | platform_admin         | ok  | ok  | --  | --
people.guardianship.manage | school_teacher         | 403 | --  | 404 | 404
people.guardianship.manage | school_deputy_director | ok  | --  | 404 | 404
people.guardianship.manage | school_director        | ok  | --  | 404 | 404
people.guardianship.manage | preschool_head         | ok  | --  | 404 | 404
people.guardianship.manage | district_specialist    | 403 | 403 | 404 | 404
people.guardianship.manage | district_head          | 403 | 403 | 404 | 404
people.guardianship.manage | region_specialist      | 403 | 403 | 404 | 404
people.guardianship.manage | region_head            | 403 | 403 | 404 | 404
people.guardianship.manage | ministry_head          | 403 | 403 | --  | --
people.guardianship.manage | platform_admin         | ok  | ok  | --  | --
access.role.view           | school_teacher         | 403 | --  | 404 | 404
access.role.view           | school_deputy_director | 403 | --  | 404 | 404
access.role.view           | school_director        | ok  | --  | 404 | 404
access.role.view           | preschool_head         | ok  | --  | 404 | 404
access.role.view           | district_specialist    | ok  | ok  | 404 | 404
access.role.view           | district_head          | ok  | ok  | 404 | 404
access.role.view           | region_specialist      | ok  | ok  | 404 | 404
access.role.view           | region_head            | ok  | ok  | 404 | 404
access.role.view           | ministry_head          | ok  | ok  | --  | --
access.role.view           | platform_admin         | ok  | ok  | --  | --
access.role.manage         | school_teacher         | 403 | --  | 404 | 404
access.role.manage         | school_deputy_director | 403 | --  | 404 | 404
access.role.manage         | school_director        | 403 | --  | 404 | 404
access.role.manage         | preschool_head         | 403 | --  | 404 | 404
access.role.manage         | district_specialist    | 403 | 403 | 404 | 404
access.role.manage         | district_head          | 403 | 403 | 404 | 404
access.role.manage         | region_specialist      | 403 | 403 | 404 | 404
access.role.manage         | region_head            | 403 | 403 | 404 | 404
access.role.manage         | ministry_head          | 403 | 403 | --  | --
access.role.manage         | platform_admin         | ok  | ok  | --  | --
access.grant.view          | school_teacher         | 403 | --  | 404 | 404
access.grant.view          | school_deputy_director | ok  | --  | 404 | 404
access.grant.view          | school_director        | ok  | --  | 404 | 404
access.grant.view          | preschool_head         | ok  | --  | 404 | 404
access.grant.view          | district_specialist    | ok  | ok  | 404 | 404
access.grant.view          | district_head          | ok  | ok  | 404 | 404
access.grant.view          | region_specialist      | ok  | ok  | 404 | 404
access.grant.view          | region_head            | ok  | ok  | 404 | 404
access.grant.view          | ministry_head          | ok  | ok  | --  | --
access.grant.view          | platform_admin         | ok  | ok  | --  | --
access.grant.manage        | school_teacher         | 403 | --  | 404 | 404
access.grant.manage        | school_deputy_director | 403 | --  | 404 | 404
access.grant.manage        | school_director        | ok  | --  | 404 | 404
access.grant.manage        | preschool_head         | ok  | --  | 404 | 404
access.grant.manage        | district_specialist    | 403 | 403 | 404 | 404
access.grant.manage        | district_head          | ok  | ok  | 404 | 404
access.grant.manage        | region_specialist      | 403 | 403 | 404 | 404
access.grant.manage        | region_head            | ok  | ok  | 404 | 404
access.grant.manage        | ministry_head          | ok  | ok  | --  | --
access.grant.manage        | platform_admin         | ok  | ok  | --  | --
audit.journal.view         | school_teacher         | 403 | --  | 404 | 404
audit.journal.view         | school_deputy_director | 403 | --  | 404 | 404
audit.journal.view         | school_director        | ok  | --  | 404 | 404
audit.journal.view         | preschool_head         | ok  | --  | 404 | 404
audit.journal.view         | district_specialist    | 403 | 403 | 404 | 404
audit.journal.view         | district_head          | ok  | ok  | 404 | 404
audit.journal.view         | region_specialist      | 403 | 403 | 404 | 404
audit.journal.view         | region_head            | ok  | ok  | 404 | 404
audit.journal.view         | ministry_head          | ok  | ok  | --  | --
audit.journal.view         | platform_admin         | ok  | ok  | --  | --
identity.account.view      | school_teacher         | 403 | --  | 404 | 404
identity.account.view      | school_deputy_director | 403 | --  | 404 | 404
identity.account.view      | school_director        | ok  | --  | 404 | 404
identity.account.view      | preschool_head         | ok  | --  | 404 | 404
identity.account.view      | district_specialist    | 403 | 403 | 404 | 404
identity.account.view      | district_head          | ok  | ok  | 404 | 404
identity.account.view      | region_specialist      | 403 | 403 | 404 | 404
identity.account.view      | region_head            | ok  | ok  | 404 | 404
identity.account.view      | ministry_head          | ok  | ok  | --  | --
identity.account.view      | platform_admin         | ok  | ok  | --  | --
identity.account.manage    | school_teacher         | 403 | --  | 404 | 404
identity.account.manage    | school_deputy_director | 403 | --  | 404 | 404
identity.account.manage    | school_director        | ok  | --  | 404 | 404
identity.account.manage    | preschool_head         | ok  | --  | 404 | 404
identity.account.manage    | district_specialist    | 403 | 403 | 404 | 404
identity.account.manage    | district_head          | ok  | ok  | 404 | 404
identity.account.manage    | region_specialist      | 403 | 403 | 404 | 404
identity.account.manage    | region_head            | ok  | ok  | 404 | 404
identity.account.manage    | ministry_head          | ok  | ok  | --  | --
identity.account.manage    | platform_admin         | ok  | ok  | --  | --
audit.signin.unlock        | school_teacher         | 403 | --  | 404 | 404
audit.signin.unlock        | school_deputy_director | 403 | --  | 404 | 404
audit.signin.unlock        | school_director        | ok  | --  | 404 | 404
audit.signin.unlock        | preschool_head         | ok  | --  | 404 | 404
audit.signin.unlock        | district_specialist    | 403 | 403 | 404 | 404
audit.signin.unlock        | district_head          | ok  | ok  | 404 | 404
audit.signin.unlock        | region_specialist      | 403 | 403 | 404 | 404
audit.signin.unlock        | region_head            | ok  | ok  | 404 | 404
audit.signin.unlock        | ministry_head          | ok  | ok  | --  | --
audit.signin.unlock        | platform_admin         | ok  | ok  | --  | --
audit.dbms.view            | school_teacher         | 403 | --  | 404 | 404
audit.dbms.view            | school_deputy_director | 403 | --  | 404 | 404
audit.dbms.view            | school_director        | 403 | --  | 404 | 404
audit.dbms.view            | preschool_head         | 403 | --  | 404 | 404
audit.dbms.view            | district_specialist    | 403 | 403 | 404 | 404
audit.dbms.view            | district_head          | 403 | 403 | 404 | 404
audit.dbms.view            | region_specialist      | 403 | 403 | 404 | 404
audit.dbms.view            | region_head            | 403 | 403 | 404 | 404
audit.dbms.view            | ministry_head          | 403 | 403 | --  | --
audit.dbms.view            | platform_admin         | ok  | ok  | --  | --
ops.integrity.view         | school_teacher         | 403 | --  | 404 | 404
ops.integrity.view         | school_deputy_director | 403 | --  | 404 | 404
ops.integrity.view         | school_director        | 403 | --  | 404 | 404
ops.integrity.view         | preschool_head         | 403 | --  | 404 | 404
ops.integrity.view         | district_specialist    | 403 | 403 | 404 | 404
ops.integrity.view         | district_head          | 403 | 403 | 404 | 404
ops.integrity.view         | region_specialist      | 403 | 403 | 404 | 404
ops.integrity.view         | region_head            | 403 | 403 | 404 | 404
ops.integrity.view         | ministry_head          | 403 | 403 | --  | --
ops.integrity.view         | platform_admin         | ok  | ok  | --  | --
ops.integrity.run          | school_teacher         | 403 | --  | 404 | 404
ops.integrity.run          | school_deputy_director | 403 | --  | 404 | 404
ops.integrity.run          | school_director        | 403 | --  | 404 | 404
ops.integrity.run          | preschool_head         | 403 | --  | 404 | 404
ops.integrity.run          | district_specialist    | 403 | 403 | 404 | 404
ops.integrity.run          | district_head          | 403 | 403 | 404 | 404
ops.integrity.run          | region_specialist      | 403 | 403 | 404 | 404
ops.integrity.run          | region_head            | 403 | 403 | 404 | 404
ops.integrity.run          | ministry_head          | 403 | 403 | --  | --
ops.integrity.run          | platform_admin         | ok  | ok  | --  | --
people.restricted.view     | school_teacher         | 403 | --  | 404 | 404
people.restricted.view     | school_deputy_director | ok  | --  | 404 | 404
people.restricted.view     | school_director        | ok  | --  | 404 | 404
people.restricted.view     | preschool_head         | ok  | --  | 404 | 404
people.restricted.view     | district_specialist    | 403 | 403 | 404 | 404
people.restricted.view     | district_head          | 403 | 403 | 404 | 404
people.restricted.view     | region_specialist      | 403 | 403 | 404 | 404
people.restricted.view     | region_head            | 403 | 403 | 404 | 404
people.restricted.view     | ministry_head          | 403 | 403 | --  | --
people.restricted.view     | platform_admin         | 403 | 403 | --  | --
people.restricted.manage   | school_teacher         | 403 | --  | 404 | 404
people.restricted.manage   | school_deputy_director | ok  | --  | 404 | 404
people.restricted.manage   | school_director        | ok  | --  | 404 | 404
people.restricted.manage   | preschool_head         | ok  | --  | 404 | 404
people.restricted.manage   | district_specialist    | 403 | 403 | 404 | 404
people.restricted.manage   | district_head          | 403 | 403 | 404 | 404
people.restricted.manage   | region_specialist      | 403 | 403 | 404 | 404
people.restricted.manage   | region_head            | 403 | 403 | 404 | 404
people.restricted.manage   | ministry_head          | 403 | 403 | --  | --
people.restricted.manage   | platform_admin         | 403 | 403 | --  | --
sso.client.manage          | school_teacher         | 403 | --  | 404 | 404
sso.client.manage          | school_deputy_director | 403 | --  | 404 | 404
sso.client.manage          | school_director        | 403 | --  | 404 | 404
sso.client.manage          | preschool_head         | 403 | --  | 404 | 404
sso.client.manage          | district_specialist    | 403 | 403 | 404 | 404
sso.client.manage          | district_head          | 403 | 403 | 404 | 404
sso.client.manage          | region_specialist      | 403 | 403 | 404 | 404
sso.client.manage          | region_head            | 403 | 403 | 404 | 404
sso.client.manage          | ministry_head          | 403 | 403 | --  | --
sso.client.manage          | platform_admin         | ok  | ok  | --  | --
registration.link.confirm  | school_teacher         | 403 | --  | 404 | 404
registration.link.confirm  | school_deputy_director | ok  | --  | 404 | 404
registration.link.confirm  | school_director        | ok  | --  | 404 | 404
registration.link.confirm  | preschool_head         | ok  | --  | 404 | 404
registration.link.confirm  | district_specialist    | 403 | 403 | 404 | 404
registration.link.confirm  | district_head          | 403 | 403 | 404 | 404
registration.link.confirm  | region_specialist      | 403 | 403 | 404 | 404
registration.link.confirm  | region_head            | 403 | 403 | 404 | 404
registration.link.confirm  | ministry_head          | 403 | 403 | --  | --
registration.link.confirm  | platform_admin         | ok  | ok  | --  | --
school.structure.view      | school_teacher         | ok  | --  | 404 | 404
school.structure.view      | school_deputy_director | ok  | --  | 404 | 404
school.structure.view      | school_director        | ok  | --  | 404 | 404
school.structure.view      | preschool_head         | 403 | --  | 404 | 404
school.structure.view      | district_specialist    | ok  | ok  | 404 | 404
school.structure.view      | district_head          | ok  | ok  | 404 | 404
school.structure.view      | region_specialist      | ok  | ok  | 404 | 404
school.structure.view      | region_head            | ok  | ok  | 404 | 404
school.structure.view      | ministry_head          | ok  | ok  | --  | --
school.structure.view      | platform_admin         | ok  | ok  | --  | --
school.structure.manage    | school_teacher         | 403 | --  | 404 | 404
school.structure.manage    | school_deputy_director | ok  | --  | 404 | 404
school.structure.manage    | school_director        | ok  | --  | 404 | 404
school.structure.manage    | preschool_head         | 403 | --  | 404 | 404
school.structure.manage    | district_specialist    | 403 | 403 | 404 | 404
school.structure.manage    | district_head          | 403 | 403 | 404 | 404
school.structure.manage    | region_specialist      | 403 | 403 | 404 | 404
school.structure.manage    | region_head            | 403 | 403 | 404 | 404
school.structure.manage    | ministry_head          | 403 | 403 | --  | --
school.structure.manage    | platform_admin         | ok  | ok  | --  | --
school.class.view          | school_teacher         | ok  | --  | 404 | 404
school.class.view          | school_deputy_director | ok  | --  | 404 | 404
school.class.view          | school_director        | ok  | --  | 404 | 404
school.class.view          | preschool_head         | 403 | --  | 404 | 404
school.class.view          | district_specialist    | ok  | ok  | 404 | 404
school.class.view          | district_head          | ok  | ok  | 404 | 404
school.class.view          | region_specialist      | ok  | ok  | 404 | 404
school.class.view          | region_head            | ok  | ok  | 404 | 404
school.class.view          | ministry_head          | ok  | ok  | --  | --
school.class.view          | platform_admin         | ok  | ok  | --  | --
school.class.manage        | school_teacher         | 403 | --  | 404 | 404
school.class.manage        | school_deputy_director | ok  | --  | 404 | 404
school.class.manage        | school_director        | ok  | --  | 404 | 404
school.class.manage        | preschool_head         | 403 | --  | 404 | 404
school.class.manage        | district_specialist    | 403 | 403 | 404 | 404
school.class.manage        | district_head          | 403 | 403 | 404 | 404
school.class.manage        | region_specialist      | 403 | 403 | 404 | 404
school.class.manage        | region_head            | 403 | 403 | 404 | 404
school.class.manage        | ministry_head          | 403 | 403 | --  | --
school.class.manage        | platform_admin         | ok  | ok  | --  | --
school.timetable.view      | school_teacher         | ok  | --  | 404 | 404
school.timetable.view      | school_deputy_director | ok  | --  | 404 | 404
school.timetable.view      | school_director        | ok  | --  | 404 | 404
school.timetable.view      | preschool_head         | 403 | --  | 404 | 404
school.timetable.view      | district_specialist    | ok  | ok  | 404 | 404
school.timetable.view      | district_head          | ok  | ok  | 404 | 404
school.timetable.view      | region_specialist      | ok  | ok  | 404 | 404
school.timetable.view      | region_head            | ok  | ok  | 404 | 404
school.timetable.view      | ministry_head          | ok  | ok  | --  | --
school.timetable.view      | platform_admin         | ok  | ok  | --  | --
school.timetable.manage    | school_teacher         | 403 | --  | 404 | 404
school.timetable.manage    | school_deputy_director | ok  | --  | 404 | 404
school.timetable.manage    | school_director        | ok  | --  | 404 | 404
school.timetable.manage    | preschool_head         | 403 | --  | 404 | 404
school.timetable.manage    | district_specialist    | 403 | 403 | 404 | 404
school.timetable.manage    | district_head          | 403 | 403 | 404 | 404
school.timetable.manage    | region_specialist      | 403 | 403 | 404 | 404
school.timetable.manage    | region_head            | 403 | 403 | 404 | 404
school.timetable.manage    | ministry_head          | 403 | 403 | --  | --
school.timetable.manage    | platform_admin         | ok  | ok  | --  | --
lms.homework.view          | school_teacher         | 403 | --  | 404 | 404
lms.homework.view          | school_deputy_director | ok  | --  | 404 | 404
lms.homework.view          | school_director        | ok  | --  | 404 | 404
lms.homework.view          | preschool_head         | 403 | --  | 404 | 404
lms.homework.view          | district_specialist    | 403 | 403 | 404 | 404
lms.homework.view          | district_head          | 403 | 403 | 404 | 404
lms.homework.view          | region_specialist      | 403 | 403 | 404 | 404
lms.homework.view          | region_head            | 403 | 403 | 404 | 404
lms.homework.view          | ministry_head          | 403 | 403 | --  | --
lms.homework.view          | platform_admin         | ok  | ok  | --  | --
lms.homework.manage        | school_teacher         | ok  | --  | 404 | 404
lms.homework.manage        | school_deputy_director | ok  | --  | 404 | 404
lms.homework.manage        | school_director        | ok  | --  | 404 | 404
lms.homework.manage        | preschool_head         | 403 | --  | 404 | 404
lms.homework.manage        | district_specialist    | 403 | 403 | 404 | 404
lms.homework.manage        | district_head          | 403 | 403 | 404 | 404
lms.homework.manage        | region_specialist      | 403 | 403 | 404 | 404
lms.homework.manage        | region_head            | 403 | 403 | 404 | 404
lms.homework.manage        | ministry_head          | 403 | 403 | --  | --
lms.homework.manage        | platform_admin         | ok  | ok  | --  | --
lms.homework.submit        | school_teacher         | 403 | --  | 404 | 404
lms.homework.submit        | school_deputy_director | 403 | --  | 404 | 404
lms.homework.submit        | school_director        | 403 | --  | 404 | 404
lms.homework.submit        | preschool_head         | 403 | --  | 404 | 404
lms.homework.submit        | district_specialist    | 403 | 403 | 404 | 404
lms.homework.submit        | district_head          | 403 | 403 | 404 | 404
lms.homework.submit        | region_specialist      | 403 | 403 | 404 | 404
lms.homework.submit        | region_head            | 403 | 403 | 404 | 404
lms.homework.submit        | ministry_head          | 403 | 403 | --  | --
lms.homework.submit        | platform_admin         | 403 | 403 | --  | --
lms.plan.view              | school_teacher         | ok  | --  | 404 | 404
lms.plan.view              | school_deputy_director | ok  | --  | 404 | 404
lms.plan.view              | school_director        | ok  | --  | 404 | 404
lms.plan.view              | preschool_head         | 403 | --  | 404 | 404
lms.plan.view              | district_specialist    | 403 | 403 | 404 | 404
lms.plan.view              | district_head          | 403 | 403 | 404 | 404
lms.plan.view              | region_specialist      | 403 | 403 | 404 | 404
lms.plan.view              | region_head            | 403 | 403 | 404 | 404
lms.plan.view              | ministry_head          | 403 | 403 | --  | --
lms.plan.view              | platform_admin         | ok  | ok  | --  | --
lms.plan.review            | school_teacher         | 403 | --  | 404 | 404
lms.plan.review            | school_deputy_director | ok  | --  | 404 | 404
lms.plan.review            | school_director        | ok  | --  | 404 | 404
lms.plan.review            | preschool_head         | 403 | --  | 404 | 404
lms.plan.review            | district_specialist    | 403 | 403 | 404 | 404
lms.plan.review            | district_head          | 403 | 403 | 404 | 404
lms.plan.review            | region_specialist      | 403 | 403 | 404 | 404
lms.plan.review            | region_head            | 403 | 403 | 404 | 404
lms.plan.review            | ministry_head          | 403 | 403 | --  | --
lms.plan.review            | platform_admin         | ok  | ok  | --  | --
lms.plan.manage            | school_teacher         | ok  | --  | 404 | 404
lms.plan.manage            | school_deputy_director | ok  | --  | 404 | 404
lms.plan.manage            | school_director        | ok  | --  | 404 | 404
lms.plan.manage            | preschool_head         | 403 | --  | 404 | 404
lms.plan.manage            | district_specialist    | 403 | 403 | 404 | 404
lms.plan.manage            | district_head          | 403 | 403 | 404 | 404
lms.plan.manage            | region_specialist      | 403 | 403 | 404 | 404
lms.plan.manage            | region_head            | 403 | 403 | 404 | 404
lms.plan.manage            | ministry_head          | 403 | 403 | --  | --
lms.plan.manage            | platform_admin         | ok  | ok  | --  | --
lms.distance.view          | school_teacher         | 403 | --  | 404 | 404
lms.distance.view          | school_deputy_director | ok  | --  | 404 | 404
lms.distance.view          | school_director        | ok  | --  | 404 | 404
lms.distance.view          | preschool_head         | 403 | --  | 404 | 404
lms.distance.view          | district_specialist    | 403 | 403 | 404 | 404
lms.distance.view          | district_head          | 403 | 403 | 404 | 404
lms.distance.view          | region_specialist      | 403 | 403 | 404 | 404
lms.distance.view          | region_head            | 403 | 403 | 404 | 404
lms.distance.view          | ministry_head          | 403 | 403 | --  | --
lms.distance.view          | platform_admin         | ok  | ok  | --  | --
lms.distance.manage        | school_teacher         | ok  | --  | 404 | 404
lms.distance.manage        | school_deputy_director | ok  | --  | 404 | 404
lms.distance.manage        | school_director        | ok  | --  | 404 | 404
lms.distance.manage        | preschool_head         | 403 | --  | 404 | 404
lms.distance.manage        | district_specialist    | 403 | 403 | 404 | 404
lms.distance.manage        | district_head          | 403 | 403 | 404 | 404
lms.distance.manage        | region_specialist      | 403 | 403 | 404 | 404
lms.distance.manage        | region_head            | 403 | 403 | 404 | 404
lms.distance.manage        | ministry_head          | 403 | 403 | --  | --
lms.distance.manage        | platform_admin         | ok  | ok  | --  | --
lms.distance.post          | school_teacher         | 403 | --  | 404 | 404
lms.distance.post          | school_deputy_director | 403 | --  | 404 | 404
lms.distance.post          | school_director        | 403 | --  | 404 | 404
lms.distance.post          | preschool_head         | 403 | --  | 404 | 404
lms.distance.post          | district_specialist    | 403 | 403 | 404 | 404
lms.distance.post          | district_head          | 403 | 403 | 404 | 404
lms.distance.post          | region_specialist      | 403 | 403 | 404 | 404
lms.distance.post          | region_head            | 403 | 403 | 404 | 404
lms.distance.post          | ministry_head          | 403 | 403 | --  | --
lms.distance.post          | platform_admin         | 403 | 403 | --  | --
testing.bank.view          | school_teacher         | ok  | --  | 404 | 404
testing.bank.view          | school_deputy_director | ok  | --  | 404 | 404
testing.bank.view          | school_director        | ok  | --  | 404 | 404
testing.bank.view          | preschool_head         | 403 | --  | 404 | 404
testing.bank.view          | district_specialist    | ok  | ok  | 404 | 404
testing.bank.view          | district_head          | ok  | ok  | 404 | 404
testing.bank.view          | region_specialist      | ok  | ok  | 404 | 404
testing.bank.view          | region_head            | ok  | ok  | 404 | 404
testing.bank.view          | ministry_head          | ok  | ok  | --  | --
testing.bank.view          | platform_admin         | ok  | ok  | --  | --
testing.bank.manage        | school_teacher         | ok  | --  | 404 | 404
testing.bank.manage        | school_deputy_director | ok  | --  | 404 | 404
testing.bank.manage        | school_director        | ok  | --  | 404 | 404
testing.bank.manage        | preschool_head         | 403 | --  | 404 | 404
testing.bank.manage        | district_specialist    | 403 | 403 | 404 | 404
testing.bank.manage        | district_head          | 403 | 403 | 404 | 404
testing.bank.manage        | region_specialist      | 403 | 403 | 404 | 404
testing.bank.manage        | region_head            | 403 | 403 | 404 | 404
testing.bank.manage        | ministry_head          | 403 | 403 | --  | --
testing.bank.manage        | platform_admin         | ok  | ok  | --  | --
testing.result.view        | school_teacher         | ok  | --  | 404 | 404
testing.result.view        | school_deputy_director | ok  | --  | 404 | 404
testing.result.view        | school_director        | ok  | --  | 404 | 404
testing.result.view        | preschool_head         | 403 | --  | 404 | 404
testing.result.view        | district_specialist    | ok  | ok  | 404 | 404
testing.result.view        | district_head          | ok  | ok  | 404 | 404
testing.result.view        | region_specialist      | ok  | ok  | 404 | 404
testing.result.view        | region_head            | ok  | ok  | 404 | 404
testing.result.view        | ministry_head          | ok  | ok  | --  | --
testing.result.view        | platform_admin         | ok  | ok  | --  | --
testing.attempt.take       | school_teacher         | 403 | --  | 404 | 404
testing.attempt.take       | school_deputy_director | 403 | --  | 404 | 404
testing.attempt.take       | school_director        | 403 | --  | 404 | 404
testing.attempt.take       | preschool_head         | 403 | --  | 404 | 404
testing.attempt.take       | district_specialist    | 403 | 403 | 404 | 404
testing.attempt.take       | district_head          | 403 | 403 | 404 | 404
testing.attempt.take       | region_specialist      | 403 | 403 | 404 | 404
testing.attempt.take       | region_head            | 403 | 403 | 404 | 404
testing.attempt.take       | ministry_head          | 403 | 403 | --  | --
testing.attempt.take       | platform_admin         | 403 | 403 | --  | --
testing.class.all          | school_teacher         | 403 | --  | 404 | 404
testing.class.all          | school_deputy_director | ok  | --  | 404 | 404
testing.class.all          | school_director        | ok  | --  | 404 | 404
testing.class.all          | preschool_head         | 403 | --  | 404 | 404
testing.class.all          | district_specialist    | ok  | ok  | 404 | 404
testing.class.all          | district_head          | ok  | ok  | 404 | 404
testing.class.all          | region_specialist      | ok  | ok  | 404 | 404
testing.class.all          | region_head            | ok  | ok  | 404 | 404
testing.class.all          | ministry_head          | ok  | ok  | --  | --
testing.class.all          | platform_admin         | ok  | ok  | --  | --
feedback.survey.view       | school_teacher         | 403 | --  | 404 | 404
feedback.survey.view       | school_deputy_director | ok  | --  | 404 | 404
feedback.survey.view       | school_director        | ok  | --  | 404 | 404
feedback.survey.view       | preschool_head         | 403 | --  | 404 | 404
feedback.survey.view       | district_specialist    | ok  | ok  | 404 | 404
feedback.survey.view       | district_head          | ok  | ok  | 404 | 404
feedback.survey.view       | region_specialist      | ok  | ok  | 404 | 404
feedback.survey.view       | region_head            | ok  | ok  | 404 | 404
feedback.survey.view       | ministry_head          | ok  | ok  | --  | --
feedback.survey.view       | platform_admin         | ok  | ok  | --  | --
feedback.survey.manage     | school_teacher         | 403 | --  | 404 | 404
feedback.survey.manage     | school_deputy_director | ok  | --  | 404 | 404
feedback.survey.manage     | school_director        | ok  | --  | 404 | 404
feedback.survey.manage     | preschool_head         | 403 | --  | 404 | 404
feedback.survey.manage     | district_specialist    | ok  | ok  | 404 | 404
feedback.survey.manage     | district_head          | ok  | ok  | 404 | 404
feedback.survey.manage     | region_specialist      | ok  | ok  | 404 | 404
feedback.survey.manage     | region_head            | ok  | ok  | 404 | 404
feedback.survey.manage     | ministry_head          | ok  | ok  | --  | --
feedback.survey.manage     | platform_admin         | ok  | ok  | --  | --
feedback.survey.respond    | school_teacher         | ok  | --  | 404 | 404
feedback.survey.respond    | school_deputy_director | ok  | --  | 404 | 404
feedback.survey.respond    | school_director        | ok  | --  | 404 | 404
feedback.survey.respond    | preschool_head         | 403 | --  | 404 | 404
feedback.survey.respond    | district_specialist    | 403 | 403 | 404 | 404
feedback.survey.respond    | district_head          | 403 | 403 | 404 | 404
feedback.survey.respond    | region_specialist      | 403 | 403 | 404 | 404
feedback.survey.respond    | region_head            | 403 | 403 | 404 | 404
feedback.survey.respond    | ministry_head          | 403 | 403 | --  | --
feedback.survey.respond    | platform_admin         | 403 | 403 | --  | --
feedback.faq.manage        | school_teacher         | 403 | --  | 404 | 404
feedback.faq.manage        | school_deputy_director | 403 | --  | 404 | 404
feedback.faq.manage        | school_director        | ok  | --  | 404 | 404
feedback.faq.manage        | preschool_head         | 403 | --  | 404 | 404
feedback.faq.manage        | district_specialist    | 403 | 403 | 404 | 404
feedback.faq.manage        | district_head          | ok  | ok  | 404 | 404
feedback.faq.manage        | region_specialist      | 403 | 403 | 404 | 404
feedback.faq.manage        | region_head            | ok  | ok  | 404 | 404
feedback.faq.manage        | ministry_head          | ok  | ok  | --  | --
feedback.faq.manage        | platform_admin         | ok  | ok  | --  | --
profiles.teacher.view      | school_teacher         | 403 | --  | 404 | 404
profiles.teacher.view      | school_deputy_director | ok  | --  | 404 | 404
profiles.teacher.view      | school_director        | ok  | --  | 404 | 404
profiles.teacher.view      | preschool_head         | 403 | --  | 404 | 404
profiles.teacher.view      | district_specialist    | ok  | ok  | 404 | 404
profiles.teacher.view      | district_head          | ok  | ok  | 404 | 404
profiles.teacher.view      | region_specialist      | ok  | ok  | 404 | 404
profiles.teacher.view      | region_head            | ok  | ok  | 404 | 404
profiles.teacher.view      | ministry_head          | ok  | ok  | --  | --
profiles.teacher.view      | platform_admin         | ok  | ok  | --  | --
profiles.teacher.manage    | school_teacher         | 403 | --  | 404 | 404
profiles.teacher.manage    | school_deputy_director | ok  | --  | 404 | 404
profiles.teacher.manage    | school_director        | ok  | --  | 404 | 404
profiles.teacher.manage    | preschool_head         | 403 | --  | 404 | 404
profiles.teacher.manage    | district_specialist    | 403 | 403 | 404 | 404
profiles.teacher.manage    | district_head          | 403 | 403 | 404 | 404
profiles.teacher.manage    | region_specialist      | 403 | 403 | 404 | 404
profiles.teacher.manage    | region_head            | 403 | 403 | 404 | 404
profiles.teacher.manage    | ministry_head          | 403 | 403 | --  | --
profiles.teacher.manage    | platform_admin         | 403 | 403 | --  | --
profiles.course.propose    | school_teacher         | 403 | --  | 404 | 404
profiles.course.propose    | school_deputy_director | 403 | --  | 404 | 404
profiles.course.propose    | school_director        | 403 | --  | 404 | 404
profiles.course.propose    | preschool_head         | 403 | --  | 404 | 404
profiles.course.propose    | district_specialist    | 403 | 403 | 404 | 404
profiles.course.propose    | district_head          | 403 | 403 | 404 | 404
profiles.course.propose    | region_specialist      | 403 | 403 | 404 | 404
profiles.course.propose    | region_head            | 403 | 403 | 404 | 404
profiles.course.propose    | ministry_head          | 403 | 403 | --  | --
profiles.course.propose    | platform_admin         | 403 | 403 | --  | --
profiles.learner.view      | school_teacher         | ok  | --  | 404 | 404
profiles.learner.view      | school_deputy_director | ok  | --  | 404 | 404
profiles.learner.view      | school_director        | ok  | --  | 404 | 404
profiles.learner.view      | preschool_head         | 403 | --  | 404 | 404
profiles.learner.view      | district_specialist    | 403 | 403 | 404 | 404
profiles.learner.view      | district_head          | 403 | 403 | 404 | 404
profiles.learner.view      | region_specialist      | 403 | 403 | 404 | 404
profiles.learner.view      | region_head            | 403 | 403 | 404 | 404
profiles.learner.view      | ministry_head          | 403 | 403 | --  | --
profiles.learner.view      | platform_admin         | ok  | ok  | --  | --
profiles.learner.manage    | school_teacher         | ok  | --  | 404 | 404
profiles.learner.manage    | school_deputy_director | ok  | --  | 404 | 404
profiles.learner.manage    | school_director        | ok  | --  | 404 | 404
profiles.learner.manage    | preschool_head         | 403 | --  | 404 | 404
profiles.learner.manage    | district_specialist    | 403 | 403 | 404 | 404
profiles.learner.manage    | district_head          | 403 | 403 | 404 | 404
profiles.learner.manage    | region_specialist      | 403 | 403 | 404 | 404
profiles.learner.manage    | region_head            | 403 | 403 | 404 | 404
profiles.learner.manage    | ministry_head          | 403 | 403 | --  | --
profiles.learner.manage    | platform_admin         | 403 | 403 | --  | --
profiles.load.view         | school_teacher         | 403 | --  | 404 | 404
profiles.load.view         | school_deputy_director | ok  | --  | 404 | 404
profiles.load.view         | school_director        | ok  | --  | 404 | 404
profiles.load.view         | preschool_head         | 403 | --  | 404 | 404
profiles.load.view         | district_specialist    | ok  | ok  | 404 | 404
profiles.load.view         | district_head          | ok  | ok  | 404 | 404
profiles.load.view         | region_specialist      | ok  | ok  | 404 | 404
profiles.load.view         | region_head            | ok  | ok  | 404 | 404
profiles.load.view         | ministry_head          | ok  | ok  | --  | --
profiles.load.view         | platform_admin         | ok  | ok  | --  | --
cabinet.learner.view       | school_teacher         | 403 | --  | 404 | 404
cabinet.learner.view       | school_deputy_director | 403 | --  | 404 | 404
cabinet.learner.view       | school_director        | 403 | --  | 404 | 404
cabinet.learner.view       | preschool_head         | 403 | --  | 404 | 404
cabinet.learner.view       | district_specialist    | 403 | 403 | 404 | 404
cabinet.learner.view       | district_head          | 403 | 403 | 404 | 404
cabinet.learner.view       | region_specialist      | 403 | 403 | 404 | 404
cabinet.learner.view       | region_head            | 403 | 403 | 404 | 404
cabinet.learner.view       | ministry_head          | 403 | 403 | --  | --
cabinet.learner.view       | platform_admin         | ok  | ok  | --  | --
analytics.learning.view    | school_teacher         | 403 | --  | 404 | 404
analytics.learning.view    | school_deputy_director | ok  | --  | 404 | 404
analytics.learning.view    | school_director        | ok  | --  | 404 | 404
analytics.learning.view    | preschool_head         | 403 | --  | 404 | 404
analytics.learning.view    | district_specialist    | ok  | ok  | 404 | 404
analytics.learning.view    | district_head          | ok  | ok  | 404 | 404
analytics.learning.view    | region_specialist      | ok  | ok  | 404 | 404
analytics.learning.view    | region_head            | ok  | ok  | 404 | 404
analytics.learning.view    | ministry_head          | ok  | ok  | --  | --
analytics.learning.view    | platform_admin         | ok  | ok  | --  | --
analytics.learning.view_own | school_teacher        | ok  | --  | 404 | 404
analytics.learning.view_own | school_deputy_director | ok  | --  | 404 | 404
analytics.learning.view_own | school_director       | ok  | --  | 404 | 404
analytics.learning.view_own | preschool_head        | 403 | --  | 404 | 404
analytics.learning.view_own | district_specialist   | ok  | ok  | 404 | 404
analytics.learning.view_own | district_head         | ok  | ok  | 404 | 404
analytics.learning.view_own | region_specialist     | ok  | ok  | 404 | 404
analytics.learning.view_own | region_head           | ok  | ok  | 404 | 404
analytics.learning.view_own | ministry_head         | ok  | ok  | --  | --
analytics.learning.view_own | platform_admin        | ok  | ok  | --  | --
journal.class_journal.view | school_teacher         | ok  | --  | 404 | 404
journal.class_journal.view | school_deputy_director | ok  | --  | 404 | 404
journal.class_journal.view | school_director        | ok  | --  | 404 | 404
journal.class_journal.view | preschool_head         | 403 | --  | 404 | 404
journal.class_journal.view | district_specialist    | 403 | 403 | 404 | 404
journal.class_journal.view | district_head          | 403 | 403 | 404 | 404
journal.class_journal.view | region_specialist      | 403 | 403 | 404 | 404
journal.class_journal.view | region_head            | 403 | 403 | 404 | 404
journal.class_journal.view | ministry_head          | 403 | 403 | --  | --
journal.class_journal.view | platform_admin         | ok  | ok  | --  | --
journal.class_journal.write | school_teacher         | ok  | --  | 404 | 404
journal.class_journal.write | school_deputy_director | ok  | --  | 404 | 404
journal.class_journal.write | school_director        | ok  | --  | 404 | 404
journal.class_journal.write | preschool_head         | 403 | --  | 404 | 404
journal.class_journal.write | district_specialist    | 403 | 403 | 404 | 404
journal.class_journal.write | district_head          | 403 | 403 | 404 | 404
journal.class_journal.write | region_specialist      | 403 | 403 | 404 | 404
journal.class_journal.write | region_head            | 403 | 403 | 404 | 404
journal.class_journal.write | ministry_head          | 403 | 403 | --  | --
journal.class_journal.write | platform_admin         | ok  | ok  | --  | --
journal.class_journal.manage | school_teacher         | 403 | --  | 404 | 404
journal.class_journal.manage | school_deputy_director | ok  | --  | 404 | 404
journal.class_journal.manage | school_director        | ok  | --  | 404 | 404
journal.class_journal.manage | preschool_head         | 403 | --  | 404 | 404
journal.class_journal.manage | district_specialist    | 403 | 403 | 404 | 404
journal.class_journal.manage | district_head          | 403 | 403 | 404 | 404
journal.class_journal.manage | region_specialist      | 403 | 403 | 404 | 404
journal.class_journal.manage | region_head            | 403 | 403 | 404 | 404
journal.class_journal.manage | ministry_head          | 403 | 403 | --  | --
journal.class_journal.manage | platform_admin         | ok  | ok  | --  | --
preschool.group.view       | school_teacher         | 403 | --  | 404 | 404
preschool.group.view       | school_deputy_director | 403 | --  | 404 | 404
preschool.group.view       | school_director        | 403 | --  | 404 | 404
preschool.group.view       | preschool_head         | ok  | --  | 404 | 404
preschool.group.view       | district_specialist    | ok  | ok  | 404 | 404
preschool.group.view       | district_head          | ok  | ok  | 404 | 404
preschool.group.view       | region_specialist      | ok  | ok  | 404 | 404
preschool.group.view       | region_head            | ok  | ok  | 404 | 404
preschool.group.view       | ministry_head          | ok  | ok  | --  | --
preschool.group.view       | platform_admin         | ok  | ok  | --  | --
preschool.group.manage     | school_teacher         | 403 | --  | 404 | 404
preschool.group.manage     | school_deputy_director | 403 | --  | 404 | 404
preschool.group.manage     | school_director        | 403 | --  | 404 | 404
preschool.group.manage     | preschool_head         | ok  | --  | 404 | 404
preschool.group.manage     | district_specialist    | ok  | ok  | 404 | 404
preschool.group.manage     | district_head          | ok  | ok  | 404 | 404
preschool.group.manage     | region_specialist      | 403 | 403 | 404 | 404
preschool.group.manage     | region_head            | 403 | 403 | 404 | 404
preschool.group.manage     | ministry_head          | 403 | 403 | --  | --
preschool.group.manage     | platform_admin         | ok  | ok  | --  | --
pki.verification.view      | school_teacher         | 403 | --  | 404 | 404
pki.verification.view      | school_deputy_director | 403 | --  | 404 | 404
pki.verification.view      | school_director        | ok  | --  | 404 | 404
pki.verification.view      | preschool_head         | ok  | --  | 404 | 404
pki.verification.view      | district_specialist    | ok  | ok  | 404 | 404
pki.verification.view      | district_head          | ok  | ok  | 404 | 404
pki.verification.view      | region_specialist      | ok  | ok  | 404 | 404
pki.verification.view      | region_head            | ok  | ok  | 404 | 404
pki.verification.view      | ministry_head          | ok  | ok  | --  | --
pki.verification.view      | platform_admin         | ok  | ok  | --  | --
preschool.child.view       | school_teacher         | 403 | --  | 404 | 404
preschool.child.view       | school_deputy_director | 403 | --  | 404 | 404
preschool.child.view       | school_director        | 403 | --  | 404 | 404
preschool.child.view       | preschool_head         | ok  | --  | 404 | 404
preschool.child.view       | district_specialist    | 403 | 403 | 404 | 404
preschool.child.view       | district_head          | 403 | 403 | 404 | 404
preschool.child.view       | region_specialist      | 403 | 403 | 404 | 404
preschool.child.view       | region_head            | 403 | 403 | 404 | 404
preschool.child.view       | ministry_head          | 403 | 403 | --  | --
preschool.child.view       | platform_admin         | ok  | ok  | --  | --
preschool.child.manage     | school_teacher         | 403 | --  | 404 | 404
preschool.child.manage     | school_deputy_director | 403 | --  | 404 | 404
preschool.child.manage     | school_director        | 403 | --  | 404 | 404
preschool.child.manage     | preschool_head         | ok  | --  | 404 | 404
preschool.child.manage     | district_specialist    | 403 | 403 | 404 | 404
preschool.child.manage     | district_head          | 403 | 403 | 404 | 404
preschool.child.manage     | region_specialist      | 403 | 403 | 404 | 404
preschool.child.manage     | region_head            | 403 | 403 | 404 | 404
preschool.child.manage     | ministry_head          | 403 | 403 | --  | --
preschool.child.manage     | platform_admin         | ok  | ok  | --  | --
preschool.medical.view     | school_teacher         | 403 | --  | 404 | 404
preschool.medical.view     | school_deputy_director | 403 | --  | 404 | 404
preschool.medical.view     | school_director        | 403 | --  | 404 | 404
preschool.medical.view     | preschool_head         | ok  | --  | 404 | 404
preschool.medical.view     | district_specialist    | 403 | 403 | 404 | 404
preschool.medical.view     | district_head          | 403 | 403 | 404 | 404
preschool.medical.view     | region_specialist      | 403 | 403 | 404 | 404
preschool.medical.view     | region_head            | 403 | 403 | 404 | 404
preschool.medical.view     | ministry_head          | 403 | 403 | --  | --
preschool.medical.view     | platform_admin         | ok  | ok  | --  | --
preschool.medical.manage   | school_teacher         | 403 | --  | 404 | 404
preschool.medical.manage   | school_deputy_director | 403 | --  | 404 | 404
preschool.medical.manage   | school_director        | 403 | --  | 404 | 404
preschool.medical.manage   | preschool_head         | ok  | --  | 404 | 404
preschool.medical.manage   | district_specialist    | 403 | 403 | 404 | 404
preschool.medical.manage   | district_head          | 403 | 403 | 404 | 404
preschool.medical.manage   | region_specialist      | 403 | 403 | 404 | 404
preschool.medical.manage   | region_head            | 403 | 403 | 404 | 404
preschool.medical.manage   | ministry_head          | 403 | 403 | --  | --
preschool.medical.manage   | platform_admin         | ok  | ok  | --  | --
preschool.attendance.view  | school_teacher         | 403 | --  | 404 | 404
preschool.attendance.view  | school_deputy_director | 403 | --  | 404 | 404
preschool.attendance.view  | school_director        | 403 | --  | 404 | 404
preschool.attendance.view  | preschool_head         | ok  | --  | 404 | 404
preschool.attendance.view  | district_specialist    | ok  | ok  | 404 | 404
preschool.attendance.view  | district_head          | ok  | ok  | 404 | 404
preschool.attendance.view  | region_specialist      | 403 | 403 | 404 | 404
preschool.attendance.view  | region_head            | 403 | 403 | 404 | 404
preschool.attendance.view  | ministry_head          | 403 | 403 | --  | --
preschool.attendance.view  | platform_admin         | ok  | ok  | --  | --
preschool.attendance.mark  | school_teacher         | 403 | --  | 404 | 404
preschool.attendance.mark  | school_deputy_director | 403 | --  | 404 | 404
preschool.attendance.mark  | school_director        | 403 | --  | 404 | 404
preschool.attendance.mark  | preschool_head         | ok  | --  | 404 | 404
preschool.attendance.mark  | district_specialist    | 403 | 403 | 404 | 404
preschool.attendance.mark  | district_head          | 403 | 403 | 404 | 404
preschool.attendance.mark  | region_specialist      | 403 | 403 | 404 | 404
preschool.attendance.mark  | region_head            | 403 | 403 | 404 | 404
preschool.attendance.mark  | ministry_head          | 403 | 403 | --  | --
preschool.attendance.mark  | platform_admin         | ok  | ok  | --  | --
preschool.schedule.manage  | school_teacher         | 403 | --  | 404 | 404
preschool.schedule.manage  | school_deputy_director | 403 | --  | 404 | 404
preschool.schedule.manage  | school_director        | 403 | --  | 404 | 404
preschool.schedule.manage  | preschool_head         | ok  | --  | 404 | 404
preschool.schedule.manage  | district_specialist    | 403 | 403 | 404 | 404
preschool.schedule.manage  | district_head          | 403 | 403 | 404 | 404
preschool.schedule.manage  | region_specialist      | 403 | 403 | 404 | 404
preschool.schedule.manage  | region_head            | 403 | 403 | 404 | 404
preschool.schedule.manage  | ministry_head          | 403 | 403 | --  | --
preschool.schedule.manage  | platform_admin         | ok  | ok  | --  | --
preschool.photo.manage     | school_teacher         | 403 | --  | 404 | 404
preschool.photo.manage     | school_deputy_director | 403 | --  | 404 | 404
preschool.photo.manage     | school_director        | 403 | --  | 404 | 404
preschool.photo.manage     | preschool_head         | ok  | --  | 404 | 404
preschool.photo.manage     | district_specialist    | 403 | 403 | 404 | 404
preschool.photo.manage     | district_head          | 403 | 403 | 404 | 404
preschool.photo.manage     | region_specialist      | 403 | 403 | 404 | 404
preschool.photo.manage     | region_head            | 403 | 403 | 404 | 404
preschool.photo.manage     | ministry_head          | 403 | 403 | --  | --
preschool.photo.manage     | platform_admin         | ok  | ok  | --  | --
preschool.catalogue.view   | school_teacher         | 403 | --  | 404 | 404
preschool.catalogue.view   | school_deputy_director | 403 | --  | 404 | 404
preschool.catalogue.view   | school_director        | 403 | --  | 404 | 404
preschool.catalogue.view   | preschool_head         | ok  | --  | 404 | 404
preschool.catalogue.view   | district_specialist    | ok  | ok  | 404 | 404
preschool.catalogue.view   | district_head          | ok  | ok  | 404 | 404
preschool.catalogue.view   | region_specialist      | ok  | ok  | 404 | 404
preschool.catalogue.view   | region_head            | ok  | ok  | 404 | 404
preschool.catalogue.view   | ministry_head          | ok  | ok  | --  | --
preschool.catalogue.view   | platform_admin         | ok  | ok  | --  | --
preschool.catalogue.manage | school_teacher         | 403 | --  | 404 | 404
preschool.catalogue.manage | school_deputy_director | 403 | --  | 404 | 404
preschool.catalogue.manage | school_director        | 403 | --  | 404 | 404
preschool.catalogue.manage | preschool_head         | ok  | --  | 404 | 404
preschool.catalogue.manage | district_specialist    | 403 | 403 | 404 | 404
preschool.catalogue.manage | district_head          | 403 | 403 | 404 | 404
preschool.catalogue.manage | region_specialist      | 403 | 403 | 404 | 404
preschool.catalogue.manage | region_head            | 403 | 403 | 404 | 404
preschool.catalogue.manage | ministry_head          | ok  | ok  | --  | --
preschool.catalogue.manage | platform_admin         | ok  | ok  | --  | --
equeue.application.view    | school_teacher         | 403 | --  | 404 | 404
equeue.application.view    | school_deputy_director | 403 | --  | 404 | 404
equeue.application.view    | school_director        | 403 | --  | 404 | 404
equeue.application.view    | preschool_head         | 403 | --  | 404 | 404
equeue.application.view    | district_specialist    | ok  | ok  | 404 | 404
equeue.application.view    | district_head          | ok  | ok  | 404 | 404
equeue.application.view    | region_specialist      | ok  | ok  | 404 | 404
equeue.application.view    | region_head            | ok  | ok  | 404 | 404
equeue.application.view    | ministry_head          | ok  | ok  | --  | --
equeue.application.view    | platform_admin         | ok  | ok  | --  | --
equeue.application.apply   | school_teacher         | 403 | --  | 404 | 404
equeue.application.apply   | school_deputy_director | 403 | --  | 404 | 404
equeue.application.apply   | school_director        | 403 | --  | 404 | 404
equeue.application.apply   | preschool_head         | 403 | --  | 404 | 404
equeue.application.apply   | district_specialist    | 403 | 403 | 404 | 404
equeue.application.apply   | district_head          | 403 | 403 | 404 | 404
equeue.application.apply   | region_specialist      | 403 | 403 | 404 | 404
equeue.application.apply   | region_head            | 403 | 403 | 404 | 404
equeue.application.apply   | ministry_head          | 403 | 403 | --  | --
equeue.application.apply   | platform_admin         | ok  | ok  | --  | --
equeue.allocation.run      | school_teacher         | 403 | --  | 404 | 404
equeue.allocation.run      | school_deputy_director | 403 | --  | 404 | 404
equeue.allocation.run      | school_director        | 403 | --  | 404 | 404
equeue.allocation.run      | preschool_head         | 403 | --  | 404 | 404
equeue.allocation.run      | district_specialist    | ok  | ok  | 404 | 404
equeue.allocation.run      | district_head          | ok  | ok  | 404 | 404
equeue.allocation.run      | region_specialist      | 403 | 403 | 404 | 404
equeue.allocation.run      | region_head            | 403 | 403 | 404 | 404
equeue.allocation.run      | ministry_head          | 403 | 403 | --  | --
equeue.allocation.run      | platform_admin         | ok  | ok  | --  | --
equeue.priority.confirm    | school_teacher         | 403 | --  | 404 | 404
equeue.priority.confirm    | school_deputy_director | 403 | --  | 404 | 404
equeue.priority.confirm    | school_director        | 403 | --  | 404 | 404
equeue.priority.confirm    | preschool_head         | 403 | --  | 404 | 404
equeue.priority.confirm    | district_specialist    | ok  | ok  | 404 | 404
equeue.priority.confirm    | district_head          | ok  | ok  | 404 | 404
equeue.priority.confirm    | region_specialist      | 403 | 403 | 404 | 404
equeue.priority.confirm    | region_head            | 403 | 403 | 404 | 404
equeue.priority.confirm    | ministry_head          | 403 | 403 | --  | --
equeue.priority.confirm    | platform_admin         | ok  | ok  | --  | --
equeue.direction.enrol     | school_teacher         | 403 | --  | 404 | 404
equeue.direction.enrol     | school_deputy_director | 403 | --  | 404 | 404
equeue.direction.enrol     | school_director        | 403 | --  | 404 | 404
equeue.direction.enrol     | preschool_head         | ok  | --  | 404 | 404
equeue.direction.enrol     | district_specialist    | ok  | ok  | 404 | 404
equeue.direction.enrol     | district_head          | ok  | ok  | 404 | 404
equeue.direction.enrol     | region_specialist      | 403 | 403 | 404 | 404
equeue.direction.enrol     | region_head            | 403 | 403 | 404 | 404
equeue.direction.enrol     | ministry_head          | 403 | 403 | --  | --
equeue.direction.enrol     | platform_admin         | ok  | ok  | --  | --
eservices.application.view | school_teacher         | 403 | --  | 404 | 404
eservices.application.view | school_deputy_director | ok  | --  | 404 | 404
eservices.application.view | school_director        | ok  | --  | 404 | 404
eservices.application.view | preschool_head         | ok  | --  | 404 | 404
eservices.application.view | district_specialist    | ok  | ok  | 404 | 404
eservices.application.view | district_head          | ok  | ok  | 404 | 404
eservices.application.view | region_specialist      | ok  | ok  | 404 | 404
eservices.application.view | region_head            | ok  | ok  | 404 | 404
eservices.application.view | ministry_head          | ok  | ok  | --  | --
eservices.application.view | platform_admin         | ok  | ok  | --  | --
eservices.application.decide | school_teacher         | 403 | --  | 404 | 404
eservices.application.decide | school_deputy_director | ok  | --  | 404 | 404
eservices.application.decide | school_director        | ok  | --  | 404 | 404
eservices.application.decide | preschool_head         | ok  | --  | 404 | 404
eservices.application.decide | district_specialist    | 403 | 403 | 404 | 404
eservices.application.decide | district_head          | 403 | 403 | 404 | 404
eservices.application.decide | region_specialist      | 403 | 403 | 404 | 404
eservices.application.decide | region_head            | 403 | 403 | 404 | 404
eservices.application.decide | ministry_head          | 403 | 403 | --  | --
eservices.application.decide | platform_admin         | ok  | ok  | --  | --
eservices.application.apply | school_teacher         | 403 | --  | 404 | 404
eservices.application.apply | school_deputy_director | 403 | --  | 404 | 404
eservices.application.apply | school_director        | 403 | --  | 404 | 404
eservices.application.apply | preschool_head         | 403 | --  | 404 | 404
eservices.application.apply | district_specialist    | 403 | 403 | 404 | 404
eservices.application.apply | district_head          | 403 | 403 | 404 | 404
eservices.application.apply | region_specialist      | 403 | 403 | 404 | 404
eservices.application.apply | region_head            | 403 | 403 | 404 | 404
eservices.application.apply | ministry_head          | 403 | 403 | --  | --
eservices.application.apply | platform_admin         | 403 | 403 | --  | --
forecast.demand.view       | school_teacher         | 403 | --  | 404 | 404
forecast.demand.view       | school_deputy_director | 403 | --  | 404 | 404
forecast.demand.view       | school_director        | 403 | --  | 404 | 404
forecast.demand.view       | preschool_head         | 403 | --  | 404 | 404
forecast.demand.view       | district_specialist    | ok  | ok  | 404 | 404
forecast.demand.view       | district_head          | ok  | ok  | 404 | 404
forecast.demand.view       | region_specialist      | ok  | ok  | 404 | 404
forecast.demand.view       | region_head            | ok  | ok  | 404 | 404
forecast.demand.view       | ministry_head          | ok  | ok  | --  | --
forecast.demand.view       | platform_admin         | ok  | ok  | --  | --
passport.child.view        | school_teacher         | 403 | --  | 404 | 404
passport.child.view        | school_deputy_director | ok  | --  | 404 | 404
passport.child.view        | school_director        | ok  | --  | 404 | 404
passport.child.view        | preschool_head         | ok  | --  | 404 | 404
passport.child.view        | district_specialist    | ok  | ok  | 404 | 404
passport.child.view        | district_head          | ok  | ok  | 404 | 404
passport.child.view        | region_specialist      | ok  | ok  | 404 | 404
passport.child.view        | region_head            | ok  | ok  | 404 | 404
passport.child.view        | ministry_head          | ok  | ok  | --  | --
passport.child.view        | platform_admin         | ok  | ok  | --  | --
edms.document.view         | school_teacher         | 403 | --  | 404 | 404
edms.document.view         | school_deputy_director | ok  | --  | 404 | 404
edms.document.view         | school_director        | ok  | --  | 404 | 404
edms.document.view         | preschool_head         | ok  | --  | 404 | 404
edms.document.view         | district_specialist    | ok  | ok  | 404 | 404
edms.document.view         | district_head          | ok  | ok  | 404 | 404
edms.document.view         | region_specialist      | ok  | ok  | 404 | 404
edms.document.view         | region_head            | ok  | ok  | 404 | 404
edms.document.view         | ministry_head          | ok  | ok  | --  | --
edms.document.view         | platform_admin         | ok  | ok  | --  | --
edms.document.manage       | school_teacher         | 403 | --  | 404 | 404
edms.document.manage       | school_deputy_director | ok  | --  | 404 | 404
edms.document.manage       | school_director        | ok  | --  | 404 | 404
edms.document.manage       | preschool_head         | ok  | --  | 404 | 404
edms.document.manage       | district_specialist    | ok  | ok  | 404 | 404
edms.document.manage       | district_head          | ok  | ok  | 404 | 404
edms.document.manage       | region_specialist      | ok  | ok  | 404 | 404
edms.document.manage       | region_head            | ok  | ok  | 404 | 404
edms.document.manage       | ministry_head          | ok  | ok  | --  | --
edms.document.manage       | platform_admin         | ok  | ok  | --  | --
edms.document.approve      | school_teacher         | 403 | --  | 404 | 404
edms.document.approve      | school_deputy_director | ok  | --  | 404 | 404
edms.document.approve      | school_director        | ok  | --  | 404 | 404
edms.document.approve      | preschool_head         | ok  | --  | 404 | 404
edms.document.approve      | district_specialist    | ok  | ok  | 404 | 404
edms.document.approve      | district_head          | ok  | ok  | 404 | 404
edms.document.approve      | region_specialist      | ok  | ok  | 404 | 404
edms.document.approve      | region_head            | ok  | ok  | 404 | 404
edms.document.approve      | ministry_head          | ok  | ok  | --  | --
edms.document.approve      | platform_admin         | ok  | ok  | --  | --
edms.document.sign         | school_teacher         | 403 | --  | 404 | 404
edms.document.sign         | school_deputy_director | 403 | --  | 404 | 404
edms.document.sign         | school_director        | ok  | --  | 404 | 404
edms.document.sign         | preschool_head         | ok  | --  | 404 | 404
edms.document.sign         | district_specialist    | 403 | 403 | 404 | 404
edms.document.sign         | district_head          | ok  | ok  | 404 | 404
edms.document.sign         | region_specialist      | 403 | 403 | 404 | 404
edms.document.sign         | region_head            | ok  | ok  | 404 | 404
edms.document.sign         | ministry_head          | ok  | ok  | --  | --
edms.document.sign         | platform_admin         | ok  | ok  | --  | --
edms.monitor.view          | school_teacher         | 403 | --  | 404 | 404
edms.monitor.view          | school_deputy_director | 403 | --  | 404 | 404
edms.monitor.view          | school_director        | ok  | --  | 404 | 404
edms.monitor.view          | preschool_head         | ok  | --  | 404 | 404
edms.monitor.view          | district_specialist    | 403 | 403 | 404 | 404
edms.monitor.view          | district_head          | ok  | ok  | 404 | 404
edms.monitor.view          | region_specialist      | 403 | 403 | 404 | 404
edms.monitor.view          | region_head            | ok  | ok  | 404 | 404
edms.monitor.view          | ministry_head          | ok  | ok  | --  | --
edms.monitor.view          | platform_admin         | ok  | ok  | --  | --
edms.archive.export        | school_teacher         | 403 | --  | 404 | 404
edms.archive.export        | school_deputy_director | 403 | --  | 404 | 404
edms.archive.export        | school_director        | ok  | --  | 404 | 404
edms.archive.export        | preschool_head         | ok  | --  | 404 | 404
edms.archive.export        | district_specialist    | 403 | 403 | 404 | 404
edms.archive.export        | district_head          | ok  | ok  | 404 | 404
edms.archive.export        | region_specialist      | 403 | 403 | 404 | 404
edms.archive.export        | region_head            | ok  | ok  | 404 | 404
edms.archive.export        | ministry_head          | ok  | ok  | --  | --
edms.archive.export        | platform_admin         | ok  | ok  | --  | --
"""


@dataclass
class World:
    units: dict[str, Unit]
    users: dict[str, Any]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The `org_tree` layout and one user per role of the table, built once for the module.

    Like `TestCase.setUpTestData`: built inside a transaction that is rolled back when the module
    ends; each test runs in its own savepoint inside it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        republic, region_a, region_b = f.republic(), f.region("75"), f.region("10")
        district_a1 = f.make_unit(region_a, "district", "Алмалы ауданы")
        district_a2 = f.make_unit(region_a, "district", "Бостандық ауданы")
        district_b1 = f.make_unit(region_b, "district", "Абай ауданы")
        units = {
            "republic": republic,
            "region_a": region_a,
            "region_b": region_b,
            "district_a1": district_a1,
            "district_a2": district_a2,
            "district_b1": district_b1,
            "school_a1": f.make_unit(district_a1, "organization", "№ 1 мектеп", "school"),
            "school_a1_other": f.make_unit(district_a1, "organization", "№ 2 мектеп", "school"),
            "school_a2": f.make_unit(district_a2, "organization", "№ 3 мектеп", "school"),
            "school_b1": f.make_unit(district_b1, "organization", "№ 4 мектеп", "school"),
            "preschool_a1": f.make_unit(district_a1, "organization", "Балапан", "preschool"),
        }
        users = {}
        for role, (granted_on, _targets) in PLACES.items():
            users[role] = f.make_user(f"matrix-{role}")
            f.grant(users[role], role, units[granted_on])
        yield World(units=units, users=users)
        transaction.set_rollback(True)


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in MATRIX.strip().splitlines():
        capability, role, *outcomes = (cell.strip() for cell in line.split("|"))
        rows.extend(
            (capability, role, relation, outcome)
            for relation, outcome in zip(RELATIONS, outcomes, strict=True)
            if outcome != "--"
        )
    return rows


CASES = _rows()


def test_g5_8_matrix_covers_every_declared_capability_and_every_role_of_the_table(db):
    # the table must grow with the code: a new capability without rows fails here
    assert {c for c, *_ in CASES} == set(all_capabilities())
    assert {r for _, r, *_ in CASES} == set(PLACES)


@pytest.mark.parametrize(
    ("capability", "role", "relation", "expected"),
    CASES,
    ids=[f"{c}-{r}-{rel}" for c, r, rel, _ in CASES],
)
def test_g5_8_capability_matrix(world, db, actor_of, capability, role, relation, expected):
    # given a user holding `role` on its unit
    actor = actor_of(world.users[role])
    target = world.units[PLACES[role][1][relation]]
    # when the selector filters units for the capability
    seen = scope.visible(actor, capability, Unit.objects.filter(pk=target.pk), via="path").exists()
    # then the target is visible exactly when the action is allowed
    assert seen is (expected == "ok")
    # and the service gate allows it, refuses it (403) or does not see it (404)
    outcome = _require(actor, capability, target)
    assert outcome == expected


def _require(actor: scope.Actor, capability: str, target: Unit) -> str:
    try:
        scope.require(actor, capability, target)
    except Forbidden:
        return "403"
    except NotFound:
        return "404"
    return "ok"


@pytest.mark.smoke
def test_g5_10_matrix_sample_teacher_is_refused_on_own_school_and_blind_to_the_district(
    org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    scope.require(actor, "people.person.view", org_tree.school_a1)
    with pytest.raises(Forbidden):
        scope.require(actor, "people.person.manage", org_tree.school_a1)
    with pytest.raises(NotFound):
        scope.require(actor, "people.person.view", org_tree.district_a1)

import pytest
from django.core.management import call_command

from apps.accounts.models import Organisation, OrganisationKind
from apps.accounts.organisation_data import load_organisations

pytestmark = pytest.mark.django_db


def test_real_organisations_are_loaded_by_the_migration():
    assert Organisation.objects.programme_areas().count() == 26
    assert Organisation.objects.healthcare_regions().count() == 6
    assert Organisation.objects.regions().count() == 21
    assert Organisation.objects.other_bodies().count() >= 4
    kinds = set(Organisation.objects.other_bodies().values_list("kind", flat=True))
    assert kinds == {
        OrganisationKind.PROFESSIONAL_SOCIETY,
        OrganisationKind.PATIENT_ORGANISATION,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.AUTHORITY,
    }


def test_every_region_belongs_to_a_healthcare_region():
    regions = Organisation.objects.regions().select_related("parent")
    assert all(r.parent and r.parent.kind == OrganisationKind.HEALTHCARE_REGION for r in regions)
    assert Organisation.objects.get(code="gotland").parent.code == "stockholm-gotland"


def test_npo_host_is_set_only_where_the_seed_says():
    hosted = Organisation.objects.programme_areas().filter(parent__isnull=False)
    assert {o.short_name for o in hosted} == {
        "Rörelseorganens sjukdomar",
        "Lung- och allergisjukdomar",
        "Kirurgi och plastikkirurgi",
        "Mag- och tarmsjukdomar",
        "Psykisk hälsa",
    }
    assert {o.parent.code for o in hosted} == {"vastra"}


def test_loading_again_creates_nothing_and_keeps_renamed_names():
    region = Organisation.objects.get(code="uppsala")
    region.name = "Region Uppsala (omdöpt)"
    region.save()
    assert load_organisations(Organisation) == 0
    call_command("load_organisations")
    assert Organisation.objects.regions().count() == 21
    assert Organisation.objects.get(code="uppsala").name == "Region Uppsala (omdöpt)"


def test_every_seeded_code_and_name_fits_its_column():
    # SQLite does not enforce lengths; PostgreSQL refuses the migration if one is too long.
    code_max = Organisation._meta.get_field("code").max_length
    name_max = Organisation._meta.get_field("name").max_length
    short_max = Organisation._meta.get_field("short_name").max_length
    for organisation in Organisation.objects.all():
        assert len(organisation.code) <= code_max, organisation.code
        assert len(organisation.name) <= name_max, organisation.name
        assert len(organisation.short_name) <= short_max, organisation.short_name

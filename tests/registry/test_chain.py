"""The processing chain (EDPB Opinion 22/2024): the companies our subprocessors engage, shown as
a tree on the public page, judged hop by hop, the weakest hop on the dashboard with its path,
and announced like any change."""

import pytest
import sqlalchemy as sa

from registry import chain
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChainLink,
    ChangeKind,
    CustomerNotice,
    RecipientCategory,
    Subprocessor,
)
from registry.models.accounts import Role
from registry.notices import changes


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0


def named(name: str) -> Subprocessor:
    return db.session.scalar(sa.select(Subprocessor).where(Subprocessor.name == name))


def test_the_public_page_shows_the_chain_two_levels_deep(app, demo, client):
    with app.app_context():
        harbourline = named("Harbourline CRM").id
    page = client.get(f"/subprocessors/{harbourline}").text
    tree = page.split('id="chain-heading"')[1]
    assert "Cloudway Hosting" in tree and "Bengal Backup" in tree
    assert tree.index("Cloudway Hosting") < tree.index("Bengal Backup")
    assert "Off-site backup of Cloudway&#39;s storage" in tree


def test_the_tree_gives_each_hops_contact_and_path(app, demo, client):
    with app.app_context():
        harbourline = named("Harbourline CRM").id
    tree = client.get(f"/subprocessors/{harbourline}").text.split('id="chain-heading"')[1]
    assert "Privacy Office, privacy@cloudway.example" in tree
    assert "Harbourline CRM → Cloudway Hosting (US) → Bengal Backup (IN)" in tree


def test_an_onward_transfer_is_marked_as_onward(app, demo, client):
    with app.app_context():
        harbourline = named("Harbourline CRM").id
    tree = client.get(f"/subprocessors/{harbourline}").text.split('id="chain-heading"')[1]
    assert "Onward transfer" in tree


def test_the_public_tree_shows_facts_not_verdicts(app, demo, client):
    with app.app_context():
        harbourline = named("Harbourline CRM").id
    tree = client.get(f"/subprocessors/{harbourline}").text.split('id="chain-heading"')[1]
    assert "Needs attention" not in tree


def test_companies_down_the_chain_are_not_listed_as_engaged_by_us(demo, client):
    names = {record["name"] for record in client.get("/api/v1/subprocessors").json["subprocessors"]}
    assert "Harbourline CRM" in names
    assert not {"Cloudway Hosting", "Bengal Backup"} & names


def test_a_chain_members_page_says_who_engages_it(app, demo, client):
    with app.app_context():
        bengal = named("Bengal Backup").id
    page = client.get(f"/subprocessors/{bengal}").text
    assert "Cloudway Hosting" in page and "Off-site backup" in page


def test_the_dashboard_lists_the_weakest_hop_with_its_path(demo, logged_in):
    page = logged_in(Role.VIEWER).get("/admin/").text
    section = page.split('id="chain-problems"')[1].split("</section>")[0]
    assert "Harbourline CRM → Cloudway Hosting (US) → Bengal Backup (IN)" in section
    assert "Needs attention" in section


def test_a_chain_may_not_loop(app, demo):
    with app.app_context():
        with pytest.raises(chain.ChainError):
            chain.link(named("Bengal Backup"), named("Harbourline CRM"), "Backup", "t")


def test_the_same_company_may_serve_several_parents(app, demo):
    with app.app_context():
        chain.link(named("Postbird Mail"), named("Cloudway Hosting"), "Hosts the mail queue", "t")
        db.session.commit()
        parents = db.session.scalars(
            sa.select(ChainLink.parent_id).where(ChainLink.child_id == named("Cloudway Hosting").id)
        ).all()
    assert len(parents) == 2


def test_a_drafted_member_serves_its_parents_data_and_is_on_the_trail(app, demo):
    with app.app_context():
        parent = named("Harbourline CRM")
        category = db.session.scalar(sa.select(RecipientCategory.id))
        member = chain.draft_member(
            parent,
            chain.ChainMember(
                name="Tokyo Mirror",
                legal_name="Tokyo Mirror KK",
                address="Tokyo",
                country="JP",
                contact="Legal department",
                activity="Mirrors the CRM for Asian customers",
                recipient_category_id=category,
            ),
            "admin@example.com",
        )
        db.session.commit()
        assert not member.engaged_directly
        assert {s.code for s in member.services} == {s.code for s in parent.services}
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert "chain.linked" in actions


def test_a_chain_member_is_announced_to_the_customers_of_the_chain_above(app, demo):
    with app.app_context():
        parent = named("Harbourline CRM")
        category = db.session.scalar(sa.select(RecipientCategory.id))
        member = chain.draft_member(
            parent,
            chain.ChainMember(
                "Lux Relay", "Lux Relay SA", "Luxembourg", "LU", "DPO", "Relays email", category
            ),
            "admin@example.com",
        )
        member.locations  # noqa: B018 - loaded before the notice reads them
        from registry.register import drafts

        drafts.add_location(member, drafts.LocationValues(country="LU", role="processing"), "t")
        notice = changes.announce(ChangeKind.ADDITION, member, "admin@example.com")
        db.session.commit()
        customers = db.session.scalars(
            sa.select(CustomerNotice.customer_id).where(CustomerNotice.notice_id == notice.id)
        ).all()
    assert customers  # the demo's customers of Harbourline's services hear of it


def test_the_api_carries_each_subprocessors_chain(demo, client):
    records = client.get("/api/v1/subprocessors").json["subprocessors"]
    harbourline = next(r for r in records if r["name"] == "Harbourline CRM")
    [cloudway] = harbourline["chain"]
    assert (cloudway["name"], cloudway["activity"]) == (
        "Cloudway Hosting",
        "Hosts Harbourline's CRM platform",
    )
    assert [hop["name"] for hop in cloudway["hops"]] == ["Bengal Backup"]
    assert "verdict" not in cloudway["hops"][0]["locations"][0]["transfer"]


def test_the_csv_has_one_row_per_hop_with_its_path(demo, client):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(client.get("/subprocessors.csv").text.lstrip("\ufeff"))))
    paths = [row[14] for row in rows[1:]]
    assert "Harbourline CRM → Cloudway Hosting (US) → Bengal Backup (IN)" in paths


def test_an_editor_drafts_a_company_in_the_chain_from_the_admin_page(app, demo, logged_in):
    from tests.web import csrf_token

    editor = logged_in(Role.EDITOR)
    with app.app_context():
        parent = named("Harbourline CRM").id
        category = db.session.scalar(sa.select(RecipientCategory.id))
    page = f"/admin/subprocessors/{parent}"
    response = editor.post(
        f"{page}/chain",
        data={
            "chain-csrf_token": csrf_token(editor, page),
            "chain-name": "Nordic Mirror",
            "chain-legal_name": "Nordic Mirror AB",
            "chain-address": "Stockholm",
            "chain-country": "SE",
            "chain-contact": "DPO",
            "chain-activity": "Mirrors the CRM",
            "chain-recipient_category": str(category),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        child = named("Nordic Mirror")
        assert (child.status.value, child.engaged_directly) == ("proposed", False)


def test_the_admin_page_shows_the_chains_weakest_hop(app, demo, logged_in):
    with app.app_context():
        parent = named("Harbourline CRM").id
    page = logged_in(Role.VIEWER).get(f"/admin/subprocessors/{parent}").text
    verdict = page.split('id="chain-verdict"')[1].split("</p>")[0]
    assert "Harbourline CRM → Cloudway Hosting (US) → Bengal Backup (IN)" in verdict
    assert "Needs attention" in verdict


def test_transfers_lists_onward_transfers_marked_as_onward(demo, client):
    page = client.get("/transfers").text
    row = page[page.index("Bengal Backup") - 400 : page.index("Bengal Backup") + 400]
    assert "Onward transfer" in row


def test_the_transfers_api_gives_each_onward_transfer_its_path(demo, client):
    listed = client.get("/api/v1/transfers").json["transfers"]
    [bengal] = [t for t in listed if t["subprocessor"]["name"] == "Bengal Backup"]
    assert bengal["onward"] is True
    assert bengal["path"] == "Harbourline CRM → Cloudway Hosting (US) → Bengal Backup (IN)"


def test_a_notice_of_a_company_down_the_chain_says_who_engages_it(app, demo, client):
    with app.app_context():
        parent = named("Harbourline CRM")
        category = db.session.scalar(sa.select(RecipientCategory.id))
        member = chain.draft_member(
            parent,
            chain.ChainMember(
                "Lux Relay", "Lux Relay SA", "Luxembourg", "LU", "DPO", "Relays email", category
            ),
            "admin@example.com",
        )
        from registry.register import drafts

        drafts.add_location(member, drafts.LocationValues(country="LU", role="processing"), "t")
        notice = changes.announce(ChangeKind.ADDITION, member, "admin@example.com")
        db.session.commit()
        notice_id = notice.id
    page = client.get(f"/changes/{notice_id}").text
    assert "engaged by Harbourline CRM: Relays email" in page

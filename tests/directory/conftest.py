"""A real OpenLDAP server for the LDAP login tests, seeded like a city's directory."""

import pytest

from tests.directory.slapd import SLAPD, SUFFIX, Slapd

USER_PASSWORD = "Dienst-Passwort-7"

SEED = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: stadt
o: Stadt Beispielhausen

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: uid=erika.muster,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: erika.muster
cn: Erika Muster
givenName: Erika
sn: Muster
mail: erika.muster@stadt.example
departmentNumber: FB 15
userPassword: {USER_PASSWORD}

dn: uid=paul.rat,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: paul.rat
cn: Paul Rat
givenName: Paul
sn: Rat
mail: paul.rat@stadt.example
userPassword: {USER_PASSWORD}

dn: cn=fb15,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: fb15
member: uid=erika.muster,ou=people,{SUFFIX}

dn: cn=ratsmitglieder,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: ratsmitglieder
member: uid=paul.rat,ou=people,{SUFFIX}

dn: cn=kantine,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: kantine
member: uid=erika.muster,ou=people,{SUFFIX}
"""


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    if SLAPD is None:
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils)")
    server = Slapd(tmp_path_factory.mktemp("slapd"))
    server.start()
    server.add(SEED)
    yield server
    server.stop()


def openldap_env(server: Slapd) -> dict[str, str]:
    """The variables an OpenLDAP installation sets (README, "Anmeldung über Verzeichnisdienst")."""
    return {
        "LDAP_SERVER_URI": server.uri,
        "LDAP_BIND_DN": f"cn=admin,{SUFFIX}",
        "LDAP_BIND_PASSWORD": "verzeichnis-geheim",
        "LDAP_USER_SEARCH_BASE": f"ou=people,{SUFFIX}",
        "LDAP_USER_FILTER": "(uid=%(user)s)",
        "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{SUFFIX}",
        "LDAP_GROUP_TYPE": "groupOfNames",
        "LDAP_ROLE_GROUPS": (
            f"Strategieteam=cn=fb15,ou=groups,{SUFFIX};Rat=CN=Ratsmitglieder, OU=groups,{SUFFIX}"
        ),
        "LDAP_UNIT_ATTRIBUTE": "departmentNumber",
        "LDAP_TIMEOUT": "2",
    }

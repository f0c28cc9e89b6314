from lianfang.audit.selectors import verify_chain
from tests.conftest import TwoUnits


def test_fixture_org_is_audited(org: TwoUnits) -> None:
    result = verify_chain()
    assert result.ok
    assert result.checked == 10
    assert org.finance_office.path.startswith(org.college.path)

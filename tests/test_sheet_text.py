"""The free text of the risk sheets: numbered items in one cell, causes, measure categories, clean cells."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.risks.sheet_text import (
    guess_measure_category,
    normalise_cell,
    parse_causes,
    parse_measure_category,
    split_numbered,
    strip_measure_category,
)
from lianfang.risks.vocabulary import Cause, MeasureCategory

# Cells of seed 001 (福州 sheet, 表现形式 and 防控措施 columns), as they were typed.
SEED_MANIFESTATIONS = "1.应立案不立案。 2.不能立案的立案。"
SEED_MEASURES = (
    "1.建立案件台帐，定期进行检查。 2.严格按照法规程序进行监督。 3.确需销案处理的，必须按程序建立销案记录。"
)


# --- split_numbered: real cells -----------------------------------------------------------------


def test_seed_manifestations_cell() -> None:
    assert split_numbered(SEED_MANIFESTATIONS) == ["应立案不立案", "不能立案的立案"]


def test_seed_measures_cell_keeps_inner_commas() -> None:
    assert split_numbered(SEED_MEASURES) == [
        "建立案件台帐，定期进行检查",
        "严格按照法规程序进行监督",
        "确需销案处理的，必须按程序建立销案记录",
    ]


def test_seed_cell_with_four_items() -> None:
    cell = (
        "1.无故拖延案件办理。 2.利用职务便利接受贿赂为当事人谋利益。 3.随意行使自由裁量权。 "
        "4.不依法履行案件处理程序。"
    )
    assert split_numbered(cell) == [
        "无故拖延案件办理",
        "利用职务便利接受贿赂为当事人谋利益",
        "随意行使自由裁量权",
        "不依法履行案件处理程序",
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "1.应立案不立案。2.不能立案的立案。",
        "1．应立案不立案。2．不能立案的立案。",
        "１．应立案不立案；２．不能立案的立案",
        "1、应立案不立案\n2、不能立案的立案",
        "1)应立案不立案；2)不能立案的立案",
        "1）应立案不立案 2）不能立案的立案",
        "(1)应立案不立案；(2)不能立案的立案",
        "（1）应立案不立案（2）不能立案的立案",
        "（1）应立案不立案；\n（2）不能立案的立案。",
        "①应立案不立案；②不能立案的立案",
        "①应立案不立案②不能立案的立案",
        "⑴应立案不立案⑵不能立案的立案",
        "⒈应立案不立案⒉不能立案的立案",
        "一、应立案不立案。二、不能立案的立案。",
        "（一）应立案不立案（二）不能立案的立案",
        "1. 应立案不立案\u3000\n2. 不能立案的立案\xa0",
        "1.应立案不立案，2.不能立案的立案",
        "1.应立案不立案。\r\n2、不能立案的立案。",  # two suffixes mixed by a hurried typist
    ],
)
def test_each_marker_style(cell: str) -> None:
    assert split_numbered(cell) == ["应立案不立案", "不能立案的立案"]


@pytest.mark.parametrize(
    "cell",
    [
        "1、加强监督\r\n2、严格审批\r\n3、定期检查",
        "1、加强监督\r2、严格审批\r3、定期检查",
        "1、加强监督\n\n2、严格审批\n3、定期检查\n",
        "1、加强监督\x0b2、严格审批\u20283、定期检查",
    ],
)
def test_mixed_newline_styles(cell: str) -> None:
    assert split_numbered(cell) == ["加强监督", "严格审批", "定期检查"]


@pytest.mark.parametrize(
    "cell",
    [
        "单笔5万元以上须2.5倍审核",
        "第3条、第4条",
        "2026.3.1前完成",
        "1.5倍以上的须集体研究",  # a decimal at the start, not item 1
        "见附表(1)",  # a lone (1) after text is not a list
        "按第（1）款执行",
        "统一、规范审批",
        "每月 2、3号对账",
    ],
)
def test_numbers_inside_text_are_not_markers(cell: str) -> None:
    assert split_numbered(cell) == [cell]


def test_false_split_traps_inside_a_numbered_cell() -> None:
    cell = "1.单笔5万元以上须2.5倍审核；2.依照第3条、第4条办理；3.2026.3.1前完成；4.金额超过 2.5万元的报批"
    assert split_numbered(cell) == [
        "单笔5万元以上须2.5倍审核",
        "依照第3条、第4条办理",
        "2026.3.1前完成",
        "金额超过 2.5万元的报批",
    ]


def test_a_number_must_continue_the_sequence() -> None:
    assert split_numbered("1.按规定办理。3.其他") == ["按规定办理。3.其他"]
    assert split_numbered("2.按规定办理。3.其他") == ["2.按规定办理。3.其他"]


def test_nested_numbering_splits_at_the_top_level_only() -> None:
    cell = "1.完善制度：（1）建立台帐（2）定期检查\n2.加强监督：①抽查案卷；②集体讨论"
    assert split_numbered(cell) == ["完善制度：（1）建立台帐（2）定期检查", "加强监督：①抽查案卷；②集体讨论"]


def test_same_style_nested_in_a_different_suffix() -> None:
    cell = "1、完善制度：1.建立台帐 2.定期检查\n2、加强监督"
    assert split_numbered(cell) == ["完善制度：1.建立台帐 2.定期检查", "加强监督"]


def test_lead_in_text_is_its_own_item() -> None:
    assert split_numbered("主要表现：1.拖延办理；2.随意裁量") == ["主要表现", "拖延办理", "随意裁量"]


def test_continuation_lines_stay_in_their_item() -> None:
    assert split_numbered("1.建立案件台帐，\n定期进行检查。\n2.加强监督") == [
        "建立案件台帐，\n定期进行检查",
        "加强监督",
    ]


def test_ten_and_more_items() -> None:
    cell = "；".join(f"{n}.第{n}项" for n in range(1, 13))
    assert split_numbered(cell) == [f"第{n}项" for n in range(1, 13)]
    chinese = "一二三四五六七八九十"
    cell = "\n".join(f"{c}、事项" for c in [*chinese, "十一", "十二"])
    assert split_numbered(cell) == ["事项"] * 12


def test_plain_lines_without_numbers() -> None:
    assert split_numbered("应立案不立案\n\n不能立案的立案。\r\n  随意裁量  ") == [
        "应立案不立案",
        "不能立案的立案",
        "随意裁量",
    ]


@pytest.mark.parametrize("cell", ["", "   ", "\u3000\xa0\n\r\n", "。", "1."])
def test_blank_cells(cell: str) -> None:
    assert split_numbered(cell) == []


def test_one_item_cells() -> None:
    assert split_numbered("应立案不立案。") == ["应立案不立案"]
    assert split_numbered("1.应立案不立案。") == ["应立案不立案"]
    assert split_numbered("①应立案不立案") == ["应立案不立案"]
    assert split_numbered("\u3000不按规定程序讨论决策，导致决策失误；") == [
        "不按规定程序讨论决策，导致决策失误"
    ]


# --- split_numbered: properties -----------------------------------------------------------------

_WORDS = [
    "应立案不立案",
    "不能立案的立案",
    "建立案件台帐",
    "利用职务便利接受贿赂",
    "随意行使自由裁量权",
    "统一、规范",
    "三重一大",
    "实行AB角",
    "按第（2）款执行",
    "见附表1)",
]
_FRAGMENTS = [*_WORDS, "5万元以上", "2.5倍", "2026.3.1前完成", "第3条、第4条", "，", "、", "：", " "]
_CIRCLED = "①②③④⑤⑥⑦⑧"
_CHINESE = "一二三四五六七八"
_STYLES = {
    "1.": lambda n: f"{n}.",
    "1．": lambda n: f"{n}．",
    "1、": lambda n: f"{n}、",
    "1)": lambda n: f"{n})",
    "1）": lambda n: f"{n}）",
    "(1)": lambda n: f"({n})",
    "（1）": lambda n: f"（{n}）",
    "１．": lambda n: f"{chr(0xFF10 + n)}．",
    "①": lambda n: _CIRCLED[n - 1],
    "⑴": lambda n: chr(0x2473 + n),
    "⒈": lambda n: chr(0x2487 + n),
    "一、": lambda n: f"{_CHINESE[n - 1]}、",
    "（一）": lambda n: f"（{_CHINESE[n - 1]}）",
}
_SEPARATORS = ["\n", "\r\n", "\r", "\n\n", "。", "；", ";", "。 ", "；\n", "。\r\n", " ", "\u3000", "，"]

# An item: words with fragments between them (numbers that are not markers, inner punctuation).
_items = st.lists(
    st.builds(
        lambda first, rest: first + "".join("".join(fragments) + word for fragments, word in rest),
        st.sampled_from(_WORDS),
        st.lists(
            st.tuples(st.lists(st.sampled_from(_FRAGMENTS), max_size=2), st.sampled_from(_WORDS)),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=400, deadline=None, database=None)
@given(
    items=_items,
    style=st.sampled_from(sorted(_STYLES)),
    separator=st.sampled_from(_SEPARATORS),
    pad=st.sampled_from(["", " "]),
    end=st.sampled_from(["", "。", "\n", "；"]),
)
def test_formatted_items_split_back(items: list[str], style: str, separator: str, pad: str, end: str) -> None:
    marker = _STYLES[style]
    cell = separator.join(f"{marker(n)}{pad}{item}" for n, item in enumerate(items, 1)) + end
    assert split_numbered(cell) == items


@settings(max_examples=200, deadline=None, database=None)
@given(items=_items, separator=st.sampled_from(["\n", "\r\n", "\n\n", "\r"]))
def test_plain_lines_split_back(items: list[str], separator: str) -> None:
    assert split_numbered(separator.join(items)) == items


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from([*"12３.．、()（）①②一二十，。；：\n\r \u3000ab甲乙"]), max_size=40))
def test_split_never_returns_blank_or_untrimmed_items(text: str) -> None:
    for item in split_numbered(text):
        assert item
        assert item == item.strip(" \u3000\n") and item[-1] not in "。；;，,"


# --- parse_causes -------------------------------------------------------------------------------


def test_official_choices() -> None:
    assert parse_causes("制度缺陷及漏洞、监管缺失") == ([Cause.SYSTEM_GAP, Cause.OVERSIGHT_GAP], "")
    assert parse_causes("外部环境影响，个人自律，个人业务素质") == (
        [Cause.ENVIRONMENT, Cause.SELF_DISCIPLINE, Cause.COMPETENCE],
        "",
    )


def test_cause_values_are_plain_strings() -> None:
    causes, _ = parse_causes("监管缺失")
    assert causes == ["oversight_gap"] and type(causes[0]) is str


@pytest.mark.parametrize(
    ("cell", "cause"),
    [
        ("制度缺陷", Cause.SYSTEM_GAP),
        ("制度漏洞", Cause.SYSTEM_GAP),
        ("制度缺陷和漏洞", Cause.SYSTEM_GAP),
        ("存在制度漏洞", Cause.SYSTEM_GAP),
        ("监管不力", Cause.OVERSIGHT_GAP),
        ("监督缺失", Cause.OVERSIGHT_GAP),
        ("监督不到位", Cause.OVERSIGHT_GAP),
        ("自律不严", Cause.SELF_DISCIPLINE),
        ("个人自律方面", Cause.SELF_DISCIPLINE),
        ("业务素质不高", Cause.COMPETENCE),
        ("外部环境", Cause.ENVIRONMENT),
        ("“外部环境影响”", Cause.ENVIRONMENT),
        ("【监管缺失】", Cause.OVERSIGHT_GAP),
    ],
)
def test_cause_variants(cell: str, cause: Cause) -> None:
    assert parse_causes(cell) == ([cause.value], "")


def test_every_separator() -> None:
    cell = "制度漏洞，监管不力；自律不严/业务素质不高\n外部环境;制度缺陷,监督缺失"
    assert parse_causes(cell) == (
        ["system_gap", "oversight_gap", "self_discipline", "competence", "environment"],
        "",
    )


def test_free_text_is_kept_with_its_punctuation() -> None:
    assert parse_causes("制度缺陷及漏洞、监管缺失。个别人员廉洁自律意识淡化，存在侥幸心理") == (
        ["system_gap", "oversight_gap"],
        "个别人员廉洁自律意识淡化，存在侥幸心理",
    )


def test_numbered_causes_and_free_text_per_item() -> None:
    cell = "1.制度缺陷；2.领导不重视、监督缺失；3.审批环节多，时限不明确"
    assert parse_causes(cell) == (["system_gap", "oversight_gap"], "领导不重视；审批环节多，时限不明确")


def test_causes_joined_in_one_phrase() -> None:
    assert parse_causes("存在制度缺陷及漏洞和监管缺失问题") == (["system_gap", "oversight_gap"], "")


def test_only_free_text() -> None:
    assert parse_causes("权力过于集中\n缺乏有效制约") == ([], "权力过于集中；缺乏有效制约")


def test_a_cause_named_twice_counts_once() -> None:
    assert parse_causes("监管缺失、监督不力、制度漏洞") == (["oversight_gap", "system_gap"], "")


def test_check_boxes() -> None:
    cell = "☑制度缺陷及漏洞 □监管缺失 ☑ 个人自律 □外部环境影响 □个人业务素质"
    assert parse_causes(cell) == (["system_gap", "self_discipline"], "")
    assert parse_causes("制度缺陷及漏洞√、监管缺失□") == (["system_gap"], "")


@pytest.mark.parametrize("cell", ["", "  ", "\u3000\n"])
def test_blank_causes(cell: str) -> None:
    assert parse_causes(cell) == ([], "")


def test_every_cause_label_is_recognised() -> None:
    with translation.override("zh-hans"):
        for cause in Cause:
            assert parse_causes(str(cause.label)) == ([cause.value], "")


# --- measure categories -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "category"),
    [
        ("加强制度建设", "rules"),
        (" 制度建设 ", "rules"),
        ("rules", "rules"),
        ("优化权力结构", "structure"),
        ("改进业务流程", "process"),
        ("规范行政裁量", "discretion"),
        ("依法依规公开", "disclosure"),
        ("强化科技防控", "technology"),
        ("廉政教育", "education"),
        ("【加强制度建设】建立案件台帐，定期进行检查", "rules"),
        ("[科技防控]建立电子监察系统", "technology"),
        ("改进业务流程：严格执行听证程序", "process"),
        ("建立案件台帐", None),
        ("严格执行：重大案件集体讨论", None),
        ("", None),
    ],
)
def test_parse_measure_category(cell: str, category: str | None) -> None:
    assert parse_measure_category(cell) == category


def test_every_category_label_is_recognised() -> None:
    with translation.override("zh-hans"):
        for category in MeasureCategory:
            assert parse_measure_category(str(category.label)) == category.value
            assert parse_measure_category(f"【{category.label}】措施") == category.value


def test_strip_measure_category() -> None:
    assert strip_measure_category("【加强制度建设】建立案件台帐") == ("rules", "建立案件台帐")
    assert strip_measure_category("【重点】建立案件台帐") == (None, "【重点】建立案件台帐")
    assert strip_measure_category("建立案件台帐") == (None, "建立案件台帐")


@pytest.mark.parametrize(
    ("measure", "category"),
    [
        ("建立案件台帐，定期进行检查", "rules"),
        ("严格按照法规程序进行监督", "process"),
        ("确需销案处理的，必须按程序建立销案记录", "process"),
        ("严格层级审批制度，控制细化自由裁量权", "discretion"),
        ("实行收费与票据管理岗位分离，设立AB角", "structure"),
        ("实行ａｂ角制度", "structure"),
        ("办事程序和结果在校园网公开公示", "disclosure"),
        ("建立电子监察系统，实时监控", "technology"),
        ("定期组织廉政学习和警示教育", "education"),
        ("明确办理时限，优化审批流程", "process"),
        ("加强监督", "rules"),
        ("【廉政教育】建立电子监察系统", "education"),
    ],
)
def test_guess_measure_category(measure: str, category: str) -> None:
    assert guess_measure_category(measure) == category


# --- normalise_cell -----------------------------------------------------------------------------


def test_normalise_cell() -> None:
    assert normalise_cell(" ＡＢ角１２．５％\u3000\u3000审核  \r\n（注）：好。、\xa0\r\n") == (
        "AB角12.5% 审核\n（注）：好。、"
    )
    assert normalise_cell("第１条，第２条；可否？～") == "第1条，第2条；可否？～"
    assert normalise_cell("a\rb\r\nc\u2028d") == "a\nb\nc\nd"
    assert normalise_cell("\ufeff监管\u200b缺失") == "监管缺失"
    assert normalise_cell("①②") == "①②"


@pytest.mark.parametrize(("value", "text"), [(None, ""), (3.0, "3"), (2.5, "2.5"), (12, "12"), (True, "是")])
def test_normalise_non_text(value: object, text: str) -> None:
    assert normalise_cell(value) == text


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise_cell(text)
    assert normalise_cell(once) == once
    assert once == once.strip()

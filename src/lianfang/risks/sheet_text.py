"""Reading the free text of the risk sheets (附件二/三 of seed 002, seed 004's 汇总表). Pure: no database.

People fill those sheets in Word or Excel with several manifestations or measures numbered inside ONE cell
("1.应立案不立案。 2.不能立案的立案。", "①…②…", "（1）…（2）…", "1、…\\n2、…"), causes as a mix of the
sheet's fixed choices and free text ("制度缺陷及漏洞、监管缺失，个别人员心存侥幸"), and sometimes a measure
category in brackets ("【加强制度建设】建立案件台帐"). This module turns such cells into structured values:

- `normalise_cell(value)`: a cell as clean text (half-width letters and digits, Chinese punctuation kept).
- `split_numbered(text)`: the numbered items of a cell, markers stripped.
- `parse_causes(text)`: the `Cause` values named in a cell, and the rest as free text.
- `parse_measure_category(text)` / `strip_measure_category(text)` / `guess_measure_category(text)`.

Numbers inside the text ("第3条", "5万元以上", "2.5倍", "2026.3.1") are not markers: a marker counts only
where an item can begin (the start of the cell, a new line, or after 。；，： or a space) and only when its
number continues the sequence 1, 2, 3… of one marker style; a cell numbered at top level and again inside
an item ("1.…（1）…（2）… 2.…") is split at the top level only.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianfang.core.importing import clean_text
from lianfang.risks.vocabulary import Cause, MeasureCategory

__all__ = [
    "guess_measure_category",
    "normalise_cell",
    "parse_causes",
    "parse_measure_category",
    "split_numbered",
    "strip_measure_category",
]


# --- normalise_cell -----------------------------------------------------------------------------

# Full-width forms of ASCII (U+FF01–U+FF5E) become half-width, except the punctuation Chinese text is
# written with (！（），：；？～), which stays as it is; 。、 and the curly quotes are not in that block.
_KEEP_FULL_WIDTH = set("！（），：；？～")
_HALF_WIDTH: dict[int, int | None] = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL_WIDTH
}
_HALF_WIDTH.update(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None))
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACE_RUN = re.compile(r"[^\S\n]+")  # any run of white space but line breaks


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _newlines(text: str) -> str:
    return _NEWLINES.sub("\n", text)


def normalise_cell(value: Any) -> str:
    """A cell as text: line breaks as "\\n", full-width letters, digits and symbols half-width (Chinese
    punctuation such as 。、，：；（）kept), every kind of space (incl. \\u3000 and NBSP) a plain space, runs
    of spaces collapsed, each line and the whole cell trimmed. None → ""; 3.0 → "3"; True → "是"."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = clean_text(value)
    text = _newlines(value).translate(_HALF_WIDTH)
    lines = [_SPACE_RUN.sub(" ", line).strip(" ") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# --- split_numbered -----------------------------------------------------------------------------

_DIGITS = "0-9０-９"
_CN_DIGITS = "一二三四五六七八九十"
_MARKER = re.compile(
    rf"(?P<paren>[(（](?P<paren_n>[{_DIGITS}]{{1,2}})[)）])"
    rf"|(?P<cparen>[(（](?P<cparen_n>[{_CN_DIGITS}]{{1,3}})[)）])"
    r"|(?P<circled>[\u2460-\u2473])"  # ①–⑳
    r"|(?P<pdigit>[\u2474-\u2487])"  # ⑴–⒇
    r"|(?P<ddigit>[\u2488-\u249b])"  # ⒈–⒛
    rf"|(?<![{_DIGITS}.．])(?P<arabic_n>[{_DIGITS}]{{1,2}})(?P<arabic_suffix>[.．、)）])"
    rf"|(?<![{_CN_DIGITS}])(?P<chinese_n>[{_CN_DIGITS}]{{1,3}})[、.．]"
)
_STRONG_STOPS = "\n。；;！!？?"
_WEAK_STOPS = "，,：:"
_ITEM_TRIM = re.compile(r"^[\s。；;，,]+|[\s。；;，,：:]+$")
_FREE_START = ("paren", "cparen", "circled", "pdigit", "ddigit")  # need no boundary before them


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    family: str  # the marker style; "arabic." and "arabic、" are two, leniently one ("arabic")
    number: int
    doubtful: bool = False  # "2.5": a marker only as a later item after a strong boundary


def _chinese_number(text: str) -> int | None:
    """一…十, 十一…十九, 二十 (enough for a cell); None for anything else."""
    if "十" not in text:
        return _CN_DIGITS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or tens == "十":
        return None
    ten_count = _CN_DIGITS.index(tens) + 1 if tens else 1
    one_count = _CN_DIGITS.index(ones) + 1 if ones else 0
    return ten_count * 10 + one_count if ten_count <= 9 else None


def _boundary(text: str, pos: int) -> str | None:
    """Whether an item may begin at `pos`: "strong" at the start, after a line break or a sentence end
    (spaces in between allowed), "weak" after ，：or after spaces, None inside running text."""
    i = pos - 1
    while i >= 0 and text[i].isspace() and text[i] != "\n":
        i -= 1
    if i < 0 or text[i] in _STRONG_STOPS:
        return "strong"
    if text[i] in _WEAK_STOPS or i < pos - 1:
        return "weak"
    return None


def _markers(text: str) -> list[_Marker]:
    """Every place in `text` that can be an item marker, in order."""
    found = []
    for m in _MARKER.finditer(text):
        start, end, doubtful = m.start(), m.end(), False
        after = text[end : end + 1]
        if m.group("paren"):
            family, number = "paren", int(m.group("paren_n"))
        elif m.group("cparen"):
            family, number = "cparen", _chinese_number(m.group("cparen_n")) or 0
        elif m.group("circled"):
            family, number = "circled", ord(m.group("circled")) - 0x2460 + 1
        elif m.group("pdigit"):
            family, number = "pdigit", ord(m.group("pdigit")) - 0x2474 + 1
        elif m.group("ddigit"):
            family, number = "ddigit", ord(m.group("ddigit")) - 0x2488 + 1
        elif m.group("arabic_n"):
            suffix = m.group("arabic_suffix")
            family = {"．": "arabic.", ")": "arabic)", "）": "arabic)"}.get(suffix, f"arabic{suffix}")
            number = int(m.group("arabic_n"))
            boundary = _boundary(text, start)
            if boundary is None or (after.isdigit() and boundary == "weak"):
                continue  # "超过 2.5万元", "每月，2、3号"
            # "2.5倍" could be a decimal: never item 1, and item 2… only after a line break or 。；
            # ("1.…；2.2026年底前完成"); "2、2026年前完成" is always an item.
            doubtful = after.isdigit() and suffix in ".．"
        else:
            family, number = "chinese", _chinese_number(m.group("chinese_n")) or 0
            if _boundary(text, start) is None:
                continue  # 统一、规范
        if family in _FREE_START and text[start - 1 : start] == "第":
            continue  # 第（2）款
        if number:
            found.append(_Marker(start, end, family, number, doubtful))
    return found


def _lenient(family: str) -> str:
    return "arabic" if family in ("arabic.", "arabic、") else family


def _sequence(markers: list[_Marker], first: int, same: Callable[[str, str], bool]) -> list[_Marker]:
    """The markers 1, 2, 3… of the style of markers[first] (which is a 1), in order."""
    run = [markers[first]]
    for marker in markers[first + 1 :]:
        if marker.number == run[-1].number + 1 and same(marker.family, run[0].family):
            run.append(marker)
    return run


def _best_sequence(text: str, markers: list[_Marker]) -> list[_Marker]:
    """The first usable run of markers: at least two items, or one item that starts the cell."""
    for index, marker in enumerate(markers):
        if marker.number != 1 or marker.doubtful:
            continue
        run = _sequence(markers, index, lambda a, b: a == b)
        if len(run) < 2:
            run = _sequence(markers, index, lambda a, b: _lenient(a) == _lenient(b))  # "1.… 2、…"
        if len(run) >= 2 or not text[: marker.start].strip():
            return run
    return []


def _trim(item: str) -> str:
    return _ITEM_TRIM.sub("", item)


def split_numbered(text: str) -> list[str]:
    """The numbered items of a cell, in order, without their markers and without trailing 。；， or spaces.

    Markers: 1. 1． 1、 1) 1） (1) （1） ①–⑳ ⑴ ⒈ 一、 （一）. Text before the first marker (a lead-in such as
    "主要表现：") is kept as an item of its own. A cell without markers gives one item per non-empty line;
    a blank cell gives []."""
    text = _newlines(text or "")
    run = _best_sequence(text, _markers(text))
    if not run:
        pieces = text.split("\n")
    else:
        pieces = [text[: run[0].start]]
        pieces += [text[m.end : nxt.start] for m, nxt in itertools.pairwise(run)]
        pieces.append(text[run[-1].end :])
    return [item for item in map(_trim, pieces) if item]


# --- parse_causes -------------------------------------------------------------------------------

# The sheet's five choices as people write them. Matching ignores spaces and an optional "存在/由于/因"
# before and "方面/原因/因素/问题/等" after.
_CAUSE_ALIASES: dict[Cause, tuple[str, ...]] = {
    Cause.SYSTEM_GAP: _words(
        "制度缺陷及漏洞 制度缺陷和漏洞 制度缺陷与漏洞 "
        "制度缺陷漏洞 制度缺陷 制度漏洞 制度缺失 制度不健全 "
        "制度不完善 制度机制缺陷 制度机制不健全"
    ),
    Cause.OVERSIGHT_GAP: _words(
        "监管缺失 监管不力 监管不到位 监管缺位 监管不严 "
        "监督缺失 监督不力 监督不到位 监督缺位 监督不严 "
        "监督制约缺失 监督制约不力 缺乏监督 缺乏监管"
    ),
    Cause.ENVIRONMENT: _words("外部环境影响 外部环境 外部环境因素 外部因素 外部影响 环境影响"),
    Cause.SELF_DISCIPLINE: _words(
        "个人自律 自律 自律不严 个人自律不严 自律不够 "
        "个人自律不够 自律意识不强 个人自律意识不强 自律意识淡薄 "
        "缺乏自律 廉洁自律意识不强 个人廉洁自律"
    ),
    Cause.COMPETENCE: _words(
        "个人业务素质 业务素质 业务素质不高 个人业务素质不高 "
        "业务素质不强 个人素质 业务能力不足 业务能力不强 "
        "业务水平不高 个人业务能力"
    ),
}
_CAUSE_LOOKUP = {alias: cause.value for cause, aliases in _CAUSE_ALIASES.items() for alias in aliases}
_CAUSES_LONGEST_FIRST = sorted(_CAUSE_LOOKUP, key=len, reverse=True)
_CAUSE_SEPARATORS = re.compile(r"([、，,;；/／。\n ]+)")
_CAUSE_AFFIXES = re.compile(r"^(?:存在|由于|因)|(?:方面|原因|因素|问题|等)$")
_CAUSE_CONNECTORS = re.compile(r"以及|及|和|与|并且|并|、|存在|由于|方面|原因|因素|问题|等|\s")
_WRAPPERS = "【】[]〔〕“”\"'‘’「」《》()（）"
_CHECKED = "☑☒✓✔√■▣◼"
_UNCHECKED = "□☐◻"


def _cause_of(piece: str) -> list[str] | None:
    """The causes a piece of a cause cell names, when that is all it says; None for free text."""
    core = re.sub(r"\s", "", piece).strip(_WRAPPERS)
    core = _CAUSE_AFFIXES.sub("", core)
    if core in _CAUSE_LOOKUP:
        return [_CAUSE_LOOKUP[core]]
    found: list[tuple[int, str]] = []
    rest = core
    for alias in _CAUSES_LONGEST_FIRST:  # "制度缺陷及漏洞和监管缺失" names two
        while (at := rest.find(alias)) >= 0:
            found.append((at, _CAUSE_LOOKUP[alias]))
            rest = rest[:at] + "\0" * len(alias) + rest[at + len(alias) :]
    if found and not _CAUSE_CONNECTORS.sub("", rest.replace("\0", "")):
        return [cause for _, cause in sorted(found)]
    return None


def _checkbox(piece: str) -> tuple[str | None, str]:
    """("checked" | "unchecked" | None, the piece without its check mark, before or after the text)."""
    for marks, state in ((_CHECKED, "checked"), (_UNCHECKED, "unchecked")):
        if piece[:1] in marks:
            return state, piece[1:].strip()
        stripped = piece.rstrip("）)").rstrip()
        if stripped[-1:] in marks:
            return state, stripped[:-1].rstrip("（(").strip()
    return None, piece


def parse_causes(text: str) -> tuple[list[str], str]:
    """The `Cause` values a 原因分析 cell names (in order, once each) and its remaining free text.

    The cell is split on its numbered items and on 、，,;；/。, line breaks and spaces; a piece that is one of
    the sheet's five choices, or a small variant ("制度漏洞", "监管不力", "监督缺失", "自律不严",
    "业务素质不高", "外部环境"…), is a cause; the other pieces of an item stay together as its free text
    (with their own punctuation) and the items' free texts are joined with "；". On a form with check
    boxes, "☑制度缺陷及漏洞" counts and "□监管缺失" is left out altogether."""
    causes: list[str] = []
    free: list[str] = []
    for item in split_numbered(normalise_cell(text)):
        tokens = _CAUSE_SEPARATORS.split(item)
        kept: list[tuple[str, str]] = []
        pending: str | None = None  # a check mark standing alone applies to the next piece
        for piece, sep in zip(tokens[::2], [*tokens[1::2], ""], strict=True):
            if not piece:
                continue
            state, piece = _checkbox(piece)
            if not piece:
                pending = state
                continue
            state, pending = state or pending, None
            if state == "unchecked":
                continue
            named = _cause_of(piece)
            if named is None:
                kept.append((piece, "；" if "\n" in sep else sep.strip() or sep))
            else:
                causes.extend(c for c in named if c not in causes)
        if kept:
            rest = "".join(p + s for p, s in kept[:-1]) + kept[-1][0]
            if rest := _trim(rest.strip("、/／")):
                free.append(rest)
    return causes, "；".join(free)


# --- measure categories -------------------------------------------------------------------------

_CATEGORY_ALIASES: dict[MeasureCategory, tuple[str, ...]] = {
    MeasureCategory.STRUCTURE: _words("优化权力结构 权力结构 优化权力配置 权力配置 分权制衡"),
    MeasureCategory.PROCESS: _words("改进业务流程 优化业务流程 规范业务流程 业务流程 流程"),
    MeasureCategory.DISCRETION: _words(
        "规范行政裁量 规范行政裁量权 规范自由裁量权 规范裁量权 行政裁量 自由裁量 裁量"
    ),
    MeasureCategory.RULES: _words("加强制度建设 完善制度 健全制度 制度建设 制度"),
    MeasureCategory.DISCLOSURE: _words("依法依规公开 依法公开 信息公开 公开透明 政务公开 办事公开 公开 公示"),
    MeasureCategory.TECHNOLOGY: _words("强化科技防控 科技防控 技术防控 信息化防控 科技 信息化"),
    MeasureCategory.EDUCATION: _words("廉政教育 廉洁教育 警示教育 教育"),
}
_CATEGORY_LOOKUP = {alias: cat.value for cat, aliases in _CATEGORY_ALIASES.items() for alias in aliases}
_CATEGORY_LOOKUP.update({cat.value: cat.value for cat in MeasureCategory})
_CATEGORY_PREFIX = re.compile(
    r"^\s*(?:[【\[〔［](?P<bracket>[^】\]〕］]{1,12})[】\]〕］]|(?P<colon>[^：:\n]{2,8})[：:])"
)


def _category_of(label: str) -> str | None:
    core = re.sub(r"\s", "", label).lower()
    core = re.sub(r"(?:类|方面|措施)$", "", core)
    return _CATEGORY_LOOKUP.get(core)


def strip_measure_category(text: str) -> tuple[str | None, str]:
    """(category, measure text) of a measure cell that may begin with its category: "【加强制度建设】建立
    台帐" → ("rules", "建立台帐"); also "[制度建设]…" and "制度建设：…". No known category → (None, text)."""
    text = normalise_cell(text)
    m = _CATEGORY_PREFIX.match(text)
    if m:
        category = _category_of(m.group("bracket") or m.group("colon"))
        if category:
            return category, text[m.end() :].strip()
    return None, text


def parse_measure_category(text: str) -> str | None:
    """The `MeasureCategory` value of a category cell ("加强制度建设", "制度建设", "rules"…) or of a measure
    cell's bracketed prefix ("【加强制度建设】…"); None when there is none."""
    return _category_of(normalise_cell(text)) or strip_measure_category(text)[0]


# Keyword lists for measures that come without a category. The category with the most keyword hits wins;
# ties go to the more specific category (the order below); no hit → 加强制度建设.
_CATEGORY_KEYWORDS: dict[MeasureCategory, tuple[str, ...]] = {
    MeasureCategory.STRUCTURE: _words(
        "分离 分设 AB角 A/B角 A、B角 分权 分岗 分级 "
        "轮岗 集体研究 集体讨论 集体决策 回避 相互制约 "
        "互相制约 制衡"
    ),
    MeasureCategory.DISCRETION: _words("裁量 细化 量化 基准"),
    MeasureCategory.DISCLOSURE: _words("公开 公示 公告 透明"),
    MeasureCategory.TECHNOLOGY: _words("电子 系统 信息化 监控 网上 软件 平台"),
    MeasureCategory.EDUCATION: _words("教育 学习 培训 警示 谈话 提醒"),
    MeasureCategory.PROCESS: _words("流程 程序 时限 限时 环节 步骤"),
    MeasureCategory.RULES: _words("制度 办法 规定 台帐 台账 细则 规章"),
}


def guess_measure_category(text: str) -> str:
    """A `MeasureCategory` value for a measure imported without one: its bracketed prefix if it has one,
    else by keywords (分离/AB角/分权 → structure, 流程/程序/时限 → process, 裁量/细化/量化 → discretion,
    制度/办法/规定/台帐 → rules, 公开/公示 → disclosure, 电子/系统/信息化/监控 → technology,
    教育/学习/培训/警示 → education), else rules."""
    category, body = strip_measure_category(text)
    if category:
        return category
    body = body.upper()
    best, best_hits = MeasureCategory.RULES.value, 0
    for cat, keywords in _CATEGORY_KEYWORDS.items():
        hits = sum(body.count(word) for word in keywords)
        if hits > best_hits:
            best, best_hits = cat.value, hits
    return best

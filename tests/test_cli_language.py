"""The command line's language: Chinese by default, English with --lang en (before or after the
command) or KAOPING_LANG=en, decided before the parser is built so that --help and argparse's own
words follow it."""
from __future__ import annotations

import pytest

from kaoping.cli import chosen_language, main
from kaoping.commands._parser import translate_error
from models.i18n import language


def said(capsys, argv) -> tuple[int, str]:
    code = main(argv)
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def test_help_is_chinese_by_default_and_english_on_request_before_or_after_the_command(capsys):
    code, zh = said(capsys, ["optimize", "--help"])
    assert code == 0 and zh.startswith("用法：kaoping optimize") and "显示本帮助并退出" in zh and "选项" in zh
    assert "选择推进哪些指标" in zh and "usage:" not in zh
    for argv in (["--lang", "en", "optimize", "--help"], ["optimize", "--help", "--lang", "en"], ["--lang=en", "optimize", "-h"]):
        code, en = said(capsys, argv)
        assert code == 0 and en.startswith("usage: kaoping optimize") and "show this help message and exit" in en
        assert "choose which indicators to push" in en and "用法" not in en
    assert language() == "zh"  # main gave the choice back


def test_kaoping_lang_in_the_environment(capsys, english):
    code, en = said(capsys, ["score", "--help"])
    assert code == 0 and "score every county at its forecast values" in en


def test_argparse_errors_in_the_language_in_use(capsys):
    code, zh = said(capsys, ["optimize", "sanmen", "--draws", "x"])
    assert code == 2 and "kaoping optimize：错误：参数 --draws：需要一个整数，收到的是「x」" in zh
    code, en = said(capsys, ["--lang", "en", "optimize", "sanmen", "--draws", "x"])
    assert code == 2 and "kaoping optimize: error: argument --draws: expected a whole number, got 'x'" in en
    code, zh = said(capsys, ["frobnicate"])
    assert code == 2 and "参数 COMMAND：无效的选项：'frobnicate'（可选 'validate'" in zh


@pytest.mark.parametrize("english_words, chinese", [
    ("the following arguments are required: scenario", "缺少以下必需参数：scenario"),
    ("argument --seed: expected one argument", "参数 --seed：需要一个值"),
    ("unrecognized arguments: --x 1", "无法识别的参数：--x 1"),
    ("argument --solver: invalid choice: 'glpk' (choose from 'highs', 'cbc')",
     "参数 --solver：无效的选项：'glpk'（可选 'highs', 'cbc'）"),
    ("something argparse never says", "something argparse never says"),
])
def test_argparse_messages_are_translated_by_their_templates(english_words, chinese):
    assert translate_error(english_words) == chinese


def test_the_language_is_read_from_the_command_line_before_parsing():
    assert chosen_language(["score", "x", "--lang", "en"]) == "en"
    assert chosen_language(["--lang", "zh", "score", "--lang=en"]) == "en"  # the last one
    assert chosen_language(["score", "--", "--lang", "en"]) is None  # after --: an argument
    assert chosen_language(["--lang", "fr", "score"]) is None  # argparse refuses it (choices)


def test_execute_messages_and_tables_follow_the_language(capsys):
    code, zh = said(capsys, ["score", "nowhere"])
    assert code == 2 and zh.startswith("情景有 1 个问题：")
    code, en = said(capsys, ["--lang", "en", "score", "nowhere"])
    assert code == 2 and en.startswith("the scenario has 1 problem(s):")
    code, zh = said(capsys, ["score", "sanmen"])
    assert code == 0 and "县市区" in zh and "按规则还能争取的分数" in zh and "NaN" not in zh
    code, en = said(capsys, ["--lang", "en", "score", "sanmen"])
    assert code == 0 and "points still to gain under the rules" in en and "县市区" not in en



def test_kaoping_debug_shows_the_message_then_raises(monkeypatch, capsys):
    """An unexpected failure is a message and exit 1, never a traceback; with KAOPING_DEBUG=1 the
    message, then the exception itself (for developers)."""
    import kaoping.commands.score as score
    from kaoping.cli import main

    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(score, "run", broken)
    assert main(["score", "sanmen"]) == 1
    err = capsys.readouterr().err
    assert "ZeroDivisionError: a bug" in err and "Traceback" not in err
    monkeypatch.setenv("KAOPING_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["score", "sanmen"])
    assert "ZeroDivisionError: a bug" in capsys.readouterr().err  # the message came first

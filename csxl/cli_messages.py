"""click's own messages (usage errors) in the command line's language.

click marks its messages for gettext but ships no catalogs; this module gives
it one for Chinese by replacing the ``gettext`` / ``ngettext`` names its
modules imported.  The ``Error:`` prefix and ``Usage:`` stay as they are, so
that scripts can still recognise them.
"""

from __future__ import annotations

ZH = {
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有这个选项 {name!r}。",
    "No such command {name!r}.": "没有这个命令 {name!r}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不需要值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 没有写入权限。",
}


def use(lang: str) -> None:
    """Make click speak ``lang`` (only Chinese needs a catalog)."""
    if lang != "zh":
        return
    import click.core
    import click.exceptions
    import click.parser
    import click.types

    def gettext(message: str) -> str:
        return ZH.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return ZH.get(singular if n == 1 else plural, singular if n == 1 else plural)

    for module in (click.core, click.exceptions, click.parser, click.types):
        module._ = gettext
        module.ngettext = ngettext

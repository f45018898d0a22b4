"""User-facing sentences in Chinese (default) and English.

Kept in one catalog so that a message id, not a sentence, travels through the
code, and the language is chosen once, where the text is shown.
"""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    # data problems
    "missing_sheet": {"zh": "缺少工作表「{name}」，已按空表处理", "en": "sheet '{name}' is missing; treated as empty"},
    "missing_column": {"zh": "缺少必需的列「{name}」，本表未参与计算", "en": "required column '{name}' is missing; sheet not used"},
    "did_you_mean_sheet": {"zh": "。找到工作表「{found}」，是不是「{name}」？请改回这个名字", "en": ". Found sheet '{found}': is it '{name}'? Rename it back"},
    "did_you_mean_column": {"zh": "。找到列「{found}」，是不是「{name}」？请改回这个名字", "en": ". Found column '{found}': is it '{name}'? Rename it back"},
    "row_not_used": {"zh": "，本行未参与计算", "en": "; row not used"},
    "missing_required": {"zh": "必填项为空，本行未参与计算", "en": "required value is empty; row not used"},
    "bad_date": {"zh": "无法识别的日期（可用 2026-01-04、2026/1/4、2026年1月4日）", "en": "not a date (use 2026-01-04, 2026/1/4 or 2026年1月4日)"},
    "bad_number": {"zh": "不是数字", "en": "not a number"},
    "bad_score": {"zh": "评分应为 1–10 的整数", "en": "score must be a whole number from 1 to 10"},
    "bad_choice": {"zh": "不是可选值之一：{allowed}", "en": "not one of: {allowed}"},
    "duplicate_id": {"zh": "编号重复（与第 {first} 行相同），本行未参与计算", "en": "duplicate id (same as row {first}); row not used"},
    "dangling_reference": {"zh": "在「{target}」中找不到此{column}", "en": "no such {column} in '{target}'"},
    "unreadable_sheet": {"zh": "无法读取本表：{reason}", "en": "sheet cannot be read: {reason}"},
    "setting_out_of_range": {"zh": "设置值超出合理范围（{low}–{high}），已使用默认值 {default}", "en": "setting outside its sane range ({low}–{high}); using the default {default}"},
    "error_cell": {"zh": "单元格是错误值 {error}（公式出错），本格按空处理", "en": "the cell holds the error {error} (a broken formula); treated as empty"},
    "duplicate_column": {"zh": "表头「{name}」出现了不止一次：只读取第一列，其余同名列的内容未被使用", "en": "header '{name}' appears more than once: only the first such column is read"},
    "uncalculated_formula": {
        "zh": "公式没有计算结果（文件保存前未经 Excel 计算），本格按空处理：请在 Excel 中打开并保存一次",
        "en": "formula without a calculated result (the file was saved without Excel calculating it); treated as empty: open and save it in Excel once",
    },
    "implausible_date": {"zh": "日期不合理（应在 {low} 到 {high} 之间）", "en": "implausible date (expected between {low} and {high})"},
    "bad_setting": {"zh": "设置值无效，已使用默认值 {default}", "en": "invalid setting; using the default {default}"},
    "unknown_setting": {"zh": "未知的设置项，已忽略", "en": "unknown setting; ignored"},
    "bad_phone": {"zh": "手机号码应为 11 位数字（固定电话请带区号，如 0755-12345678）", "en": "a mobile number has 11 digits (a landline needs its area code, e.g. 0755-12345678)"},
    "future_visit": {"zh": "回访日期晚于今天（{today}），不计为已完成", "en": "visit dated after today ({today}); not counted as done"},
    "second_outlet_no_invoice": {"zh": "二级网点车辆缺少开票日期，7DC 按提车日期计算", "en": "second-level outlet without invoice date; 7DC counted from delivery"},
    "calendar_fallback": {
        "zh": "{year} 年的法定调休安排尚未收录：按周末和法定节假日计算工作日。请在「工作日调整」表补充官方调休。",
        "en": "official working-day adjustments for {year} are not known: counting weekends and statutory holidays only. Add them on the workday adjustments sheet.",
    },
    "bad_template": {"zh": "模板有误（{detail}），已改用默认模板。可用占位符：{allowed}", "en": "template error ({detail}); the default is used. Placeholders: {allowed}"},
    # errors (keyed by exception class)
    "WorkbookNotFound": {"zh": "找不到工作簿：{path}", "en": "workbook not found: {path}"},
    "WorkbookExists": {"zh": "文件已存在，不会覆盖：{path}（请换一个文件名）", "en": "file exists and will not be overwritten: {path} (choose another name)"},
    "NotAWorkbook": {"zh": "不是有效的 .xlsx 工作簿：{path}", "en": "not a valid .xlsx workbook: {path}"},
    "file_unreadable": {"zh": "（无法读取这个文件）", "en": " (the file cannot be read)"},
    "file_empty": {"zh": "（这是一个空文件）", "en": " (the file is empty)"},
    "file_ole": {"zh": "（它像是旧版 .xls 文件或设了密码的工作簿：请在 Excel 中取消密码，另存为 .xlsx）",
                 "en": " (it looks like an old .xls file or a password-protected workbook: remove the password and save as .xlsx in Excel)"},
    "file_ods": {"zh": "（它是 LibreOffice/WPS 的 .ods 表格：请另存为 Excel 工作簿 .xlsx）", "en": " (it is an .ods spreadsheet: save it as an Excel .xlsx workbook)"},
    "file_wrong_suffix": {"zh": "（内容其实是 .xlsx 工作簿，只是扩展名不对：请把文件改名为 {name}.xlsx）",
                          "en": " (it is an .xlsx workbook with the wrong extension: rename it to {name}.xlsx)"},
    "file_damaged": {"zh": "（文件已损坏或不完整：请用备份 .bak 或重新保存）", "en": " (the file is damaged or incomplete: use the .bak backup or save it again)"},
    "file_zip": {"zh": "（它是一个压缩包，不是 Excel 工作簿）", "en": " (it is a zip archive, not an Excel workbook)"},
    "file_text": {"zh": "（它是文本文件，例如 CSV：请在 Excel 中打开后另存为 .xlsx）", "en": " (it is a text file such as CSV: open it in Excel and save as .xlsx)"},
    "file_other": {"zh": "（不是 Excel 能保存的格式）", "en": " (not a format Excel saves)"},
    "IsAFolder": {"zh": "这是一个文件夹，不是工作簿：{path}（请给出 .xlsx 文件的路径）", "en": "this is a folder, not a workbook: {path} (give the path of an .xlsx file)"},
    "BadFileName": {"zh": "新台账的文件名要以 .xlsx 结尾：{path}（csxl 写的是 .xlsx 格式）", "en": "a new workbook's name must end in .xlsx: {path} (csxl writes the .xlsx format)"},
    "WorkbookOpenInExcel": {
        "zh": "工作簿正在 Excel/WPS/LibreOffice 中打开，未做任何修改：{path}（请保存并关闭后重试，或在 Excel 中用客服助手按钮）",
        "en": "the workbook is open in Excel/WPS/LibreOffice; nothing was changed: {path} (save and close it, then try again)",
    },
    "WorkbookChanged": {
        "zh": "读取后工作簿被另存过，未写入，保留了对方保存的版本：{path}（请重新运行）",
        "en": "the workbook was saved by someone else after it was read; nothing was written: {path} (run again)",
    },
    "WorkbookBusy": {
        "zh": "另一个 csxl（定时任务或同事的操作）正在处理这个工作簿，未做任何修改：{path}（请稍后再试）",
        "en": "another csxl (the scheduler or a colleague) is working on this workbook; nothing was changed: {path} (try again shortly)",
    },
    "NotSaved": {"zh": "请先把工作簿保存到文件夹中：发送记录、发件箱和月报都放在工作簿旁边{path}", "en": "save the workbook to a folder first: the journal, the outbox and reports live beside it{path}"},
    "BrokenWorkbook": {
        "zh": "工作簿缺少必需的工作表或列（{path}），为免错发漏发，未发送任何消息：请先按 csxl check 的提示修正",
        "en": "the workbook lacks a required sheet or column ({path}); to avoid wrong or missed messages nothing was sent: fix what csxl check reports",
    },
    "ForeignWorkbook": {
        "zh": "这个工作簿里没有客户档案、车辆档案等任何台账工作表，未写入任何内容：{path}（新建台账请用 csxl init）",
        "en": "this workbook has none of csxl's sheets (customers, vehicles, …); nothing was written: {path} (create one with csxl init)",
    },
    "DamagedJournal": {
        "zh": "发送记录数据库已损坏，已移到 {path}；为保证每条消息只发一次，本次未发送。下次运行会按工作簿里的「发送记录」工作表重建它",
        "en": "the send journal was damaged and moved to {path}; nothing was sent, so that no message goes twice. The next run rebuilds it from the sent log tab",
    },
    "NothingSent": {"zh": "一封也没有发出（已记为失败，下次运行会重试）：{path}", "en": "nothing could be sent (recorded as failed; the next run retries): {path}"},
    "WorkbookReadOnly": {"zh": "工作簿设为只读，csxl 不会改动它：{path}（请在文件属性中取消“只读”后再试）",
                         "en": "the workbook is marked read-only; csxl leaves it as it is: {path} (clear read-only in its properties and retry)"},
    "WriteFailed": {"zh": "无法写入工作簿（{reason}），原文件没有改动：{path}", "en": "the workbook could not be written ({reason}); the file is untouched: {path}"},
    "file_bomb": {"zh": "（其中一部分解压后超过 4 GB，已拒绝读取）", "en": " (a part of it inflates past 4 GB; refused)"},
    "BadMonth": {"zh": "月份应为 YYYY-MM，且不晚于今天所在的月份：{path}", "en": "the month must be YYYY-MM and not after this month: {path}"},
    "BadSetting": {"zh": "设置有误：{path}", "en": "bad setting: {path}"},
    "BadMailConfig": {"zh": "邮件配置有误：{path}", "en": "bad mail configuration: {path}"},
    "MissingPassword": {
        "zh": "没有找到邮箱 {path} 的密码或授权码：请设置环境变量 CSXL_SMTP_PASSWORD，或运行 python -m keyring set csxl {path}",
        "en": "no password for {path}: set CSXL_SMTP_PASSWORD, or run python -m keyring set csxl {path}",
    },
    # due-item notes
    "note_delivery": {"zh": "提车 {date}", "en": "delivered {date}"},
    "note_invoice": {"zh": "二级网点，开票 {date}", "en": "second-level outlet, invoiced {date}"},
    "note_repair": {"zh": "工单 {order_no}，交车 {date}", "en": "repair order {order_no}, handed back {date}"},
    "note_attempts": {"zh": "；未接通 {count} 次", "en": "; {count} unanswered"},
    "note_birthday": {"zh": "生日 {date}", "en": "birthday {date}"},
    "note_lunar_birthday": {"zh": "农历生日 {lunar}（公历 {date}）", "en": "lunar birthday {lunar} (solar {date})"},
    "note_holiday": {"zh": "{holiday} {date}", "en": "{holiday} {date}"},
    "note_expiry": {"zh": "{what} {date}", "en": "{what} {date}"},
    "note_handover": {"zh": "{event} {date}，经办人 {clerk}，时限 {deadline}", "en": "{event} {date}, clerk {clerk}, deadline {deadline}"},
    "note_complaint": {"zh": "投诉 {complaint_id}（{category}），状态 {status}", "en": "complaint {complaint_id} ({category}), status {status}"},
    # 客服月报 items
    "monthly_7DC应回访": {"zh": "7DC应回访", "en": "7DC calls due"},
    "monthly_7DC完成率": {"zh": "7DC完成率", "en": "7DC completion rate"},
    "monthly_3DC应回访": {"zh": "3DC应回访", "en": "3DC calls due"},
    "monthly_3DC完成率": {"zh": "3DC完成率", "en": "3DC completion rate"},
    "monthly_月回访完成率": {"zh": "月回访完成率", "en": "monthly call completion rate"},
    "monthly_年回访完成率": {"zh": "年回访完成率", "en": "yearly call completion rate"},
    "monthly_回访次数": {"zh": "回访次数", "en": "calls made"},
    "monthly_接通率": {"zh": "接通率", "en": "reach rate"},
    "monthly_平均总体满意度": {"zh": "平均总体满意度", "en": "average overall satisfaction"},
    "monthly_低分数": {"zh": "低分数", "en": "low scores"},
    "monthly_新增客户": {"zh": "新增客户", "en": "new customers"},
    "monthly_流失风险客户": {"zh": "流失风险客户", "en": "customers at churn risk"},
    "monthly_投诉受理": {"zh": "投诉受理", "en": "complaints received"},
    "monthly_投诉结案": {"zh": "投诉结案", "en": "complaints closed"},
    "monthly_超期未结投诉": {"zh": "超期未结投诉", "en": "complaints open past limit"},
    "monthly_平均处理天数": {"zh": "平均处理天数", "en": "average days to resolve"},
    "monthly_生日关怀已发送": {"zh": "生日关怀已发送", "en": "birthday greetings sent"},
    "monthly_节日问候已发送": {"zh": "节日问候已发送", "en": "holiday greetings sent"},
    "monthly_到期提醒已发送": {"zh": "到期提醒已发送", "en": "renewal reminders sent"},
    "monthly_资料交接逾期": {"zh": "资料交接逾期", "en": "late hand-overs"},
    # holidays
    "元旦": {"zh": "元旦", "en": "New Year's Day"},
    "春节": {"zh": "春节", "en": "Spring Festival"},
    "情人节": {"zh": "情人节", "en": "Valentine's Day"},
    "劳动节": {"zh": "劳动节", "en": "Labour Day"},
    "中秋节": {"zh": "中秋节", "en": "Mid-Autumn Festival"},
    "国庆节": {"zh": "国庆节", "en": "National Day"},
    # reminder subjects
    "保养": {"zh": "下次保养", "en": "next maintenance"},
    "年审": {"zh": "年审到期", "en": "annual inspection due"},
    "续保": {"zh": "保险到期", "en": "insurance expires"},
    "车船税": {"zh": "车船税到期", "en": "vehicle tax due"},
}


def t(message_id: str, lang: str = "zh", **params) -> str:
    texts = CATALOG[message_id]
    return texts.get(lang, texts["zh"]).format(**params)

"""Messages for what GIFT import and export could not convert (merged into MESSAGES).

Each names what was not converted and what the trainer can do about it. The line number is
shown next to the message by whoever prints it.
"""

from __future__ import annotations

GIFT_MESSAGES: dict[str, tuple[str, str]] = {
    # --- import: whole questions ---------------------------------------------------------
    "gift-not-utf8": (
        "文件不是 UTF-8 编码（这一行有无法识别的字符）：请用 UTF-8 编码重新保存（记事本：另存为 → "
        "编码选 UTF-8），再导入",
        "The file is not UTF-8 (this line has characters that cannot be read): save it again "
        "as UTF-8 (Notepad: Save as → Encoding: UTF-8) and import it again",
    ),
    "gift-description": (
        "这段文字没有 {{…}} 答案部分，是一段说明（Moodle 的 description），不是题目，"
        "没有导入：需要的话请把它写进课时内容（“{text}”）",
        "This text has no {{…}} answers, so it is a description, not a question, and was not "
        "imported: put it in a lesson if it is needed (“{text}”)",
    ),
    "gift-essay": (
        "问答题（{{}} 里没有答案）要人工批改，我们的题库没有这种题型，没有导入（“{text}”）",
        "Essay questions ({{}} with no answers) need a person to mark them; our quizzes have "
        "no such type, so it was not imported (“{text}”)",
    ),
    "gift-name-unclosed": (
        "题目名称没有结束，这道题没有导入：写成 ::名称:: 然后再写题干；名称里的冒号写成 \\:",
        "The question name is not closed, so the question was not imported: write ::name:: "
        "and then the question text; write a colon inside the name as \\:",
    ),
    "gift-brace-unclosed": (
        "这里的 {{ 没有对应的 }}，这道题没有导入：在答案后面加上 }}；如果 {{ 是题目文字的一部分，"
        "写成 \\{{",
        "This {{ is never closed, so the question was not imported: add }} after the answers; "
        "if the {{ is part of the text, write it as \\{{",
    ),
    "gift-brace-unopened": (
        "这里的 }} 前面没有 {{，这道题没有导入：答案要放在 {{ 和 }} 之间；文字里的 }} 写成 \\}}",
        "This }} has no {{ before it, so the question was not imported: put the answers "
        "between {{ and }}; write a }} that is part of the text as \\}}",
    ),
    "gift-brace-nested": (
        "答案里又出现了 {{，这道题没有导入：答案或文字里的 {{ }} 要写成 \\{{ \\}}",
        "Another {{ appears inside the answers, so the question was not imported: write {{ "
        "and }} inside answers or text as \\{{ and \\}}",
    ),
    "gift-several-answer-blocks": (
        "这里又出现了一组 {{…}}，这道题没有导入：两道题之间要空一行；一道题只能有一组答案；"
        "文字里的 {{ }} 写成 \\{{ \\}}",
        "Another {{...}} appears here, so the question was not imported: leave a blank line "
        "between two questions; a question has one set of answers; write {{ and }} in text "
        "as \\{{ and \\}}",
    ),
    "gift-no-text": (
        "这道题没有题干，没有导入：在 {{ 前面写出要问的问题",
        "The question has no text, so it was not imported: write the question before the {{",
    ),
    "gift-answer-no-marker": (
        "答案 “{text}” 前面没有 = 或 ~，这道题没有导入：正确答案前写 =，错误答案前写 ~",
        "The answer “{text}” has no = or ~ in front, so the question was not imported: put = "
        "before a right answer and ~ before a wrong one",
    ),
    "gift-empty-answer": (
        "这里有一个空答案（= 或 ~ 后面什么也没写），这道题没有导入：请补上答案或删掉这个符号；"
        "文字里的 = ~ 写成 \\= \\~",
        "There is an empty answer here (nothing after = or ~), so the question was not "
        "imported: write the answer or delete the sign; write = and ~ in text as \\= and \\~",
    ),
    "gift-too-few-answers": (
        "选择题只有 {found} 个选项，没有导入：至少写两个，例如 {{=正确 ~错误}}",
        "The multiple-choice question has too few answers ({found}) and was not imported: "
        "write at least two, e.g. {{=right ~wrong}}",
    ),
    "gift-no-right-answer": (
        "这道题没有得满分的答案，没有导入：正确答案写 =（不带百分比，或 =%100%）；"
        "多选题给正确选项写正的百分比，例如 ~%50%",
        "No answer earns full marks, so the question was not imported: mark the right answer "
        "with = (no percentage, or =%100%); in a multiple-answer question give the right "
        "answers positive percentages, e.g. ~%50%",
    ),
    "gift-several-right-answers": (
        "单选题有 {found} 个满分答案（=），我们的单选题只能有一个，没有导入：只保留一个 =；"
        "要让学员选多个，改用 ~%50% 这样的百分比",
        "The single-answer question has {found} full-mark answers (=) and ours allow one, so "
        "it was not imported: keep one =; for several answers to choose, use percentages "
        "such as ~%50%",
    ),
    "gift-weight-invalid": (
        "百分比 {value}% 不正确，这道题没有导入：写 -100 到 100 之间的数，例如 ~%50%",
        "The percentage {value}% is not valid, so the question was not imported: write a "
        "number from -100 to 100, e.g. ~%50%",
    ),
    "gift-weights-sum": (
        "多选题正分选项的百分比加起来是 {total}%，我们的按比例计分要求正好 100%，"
        "没有导入：请调整百分比",
        "The positive percentages add up to {total}%, ours must add up to exactly 100%, so "
        "the question was not imported: adjust the percentages",
    ),
    "gift-matching-pair": (
        "连线题的这一组没有 ->，这道题没有导入：每组写成 =左边 -> 右边",
        "This matching pair has no ->, so the question was not imported: write each pair as "
        "=left -> right",
    ),
    "gift-matching-too-few": (
        "连线题只有 {found} 组，我们的连线题至少要 3 组，没有导入：请再加几组",
        "The matching question has {found} pairs and ours need at least 3, so it was not "
        "imported: add pairs",
    ),
    "gift-numerical-invalid": (
        "数值答案 “{value}” 不是数字，这道题没有导入：写成 {{#15}}、{{#15:1}}（允许误差 1）或 "
        "{{#10..20}}（范围）",
        "The numerical answer “{value}” is not a number, so the question was not imported: "
        "write {{#15}}, {{#15:1}} (within 1) or {{#10..20}} (a range)",
    ),
    "gift-numerical-range": (
        "数值范围 “{value}” 不正确，这道题没有导入：误差不能是负数，最小值不能大于最大值",
        "The numerical range “{value}” is not valid, so the question was not imported: the "
        "tolerance cannot be negative and the minimum cannot be more than the maximum",
    ),
    "gift-not-representable": (
        "这道题转换后无法按原样写进 quiz.md，没有导入：题干、选项或解析里有会被当成格式的内容，"
        "例如以 ## 、- [x]、- = 或 解析： 开头的行、没有闭合的 ``` 代码块，"
        "或连线题左边有 =>、左边重复；请在 GIFT 文件里改写",
        "The question cannot be written into quiz.md as it is, so it was not imported: its "
        "text, answers or feedback hold something quiz.md reads as structure, e.g. a line "
        "starting with ## , - [x], - = or Explanation:, a ``` code block left open, or a "
        "matching left side with => or used twice; reword it in the GIFT file",
    ),
    "gift-unexpected": (
        "读取这道题时出现意外错误（{detail}），没有导入：请把这条信息和 GIFT 文件发给技术人员",
        "Unexpected error while reading this question ({detail}); it was not imported: "
        "please send this message and the GIFT file to the technical team",
    ),
    # --- import: parts of a question that was imported -----------------------------------
    "gift-negative-credit": (
        "答案 “{text}” 的负分（{percent}%）没有转换：我们的题目答错不扣分，这个答案现在得 0 分",
        "The negative credit ({percent}%) of the answer “{text}” was not converted: our "
        "questions never take marks away, so this answer now earns 0",
    ),
    "gift-matching-distractor": (
        "连线题多出来的右边选项 “{text}” 没有转换：我们的连线题没有干扰项",
        "The extra right-hand answer “{text}” was not converted: our matching questions "
        "have no distractors",
    ),
    "gift-html-image": (
        "图片 “{src}” 没有导入：请把图片放进课程的 media/ 文件夹，"
        "再在题干里写 ![说明](media/文件名)",
        "The image “{src}” was not imported: put the picture in the course's media/ folder "
        "and write ![caption](media/file-name) in the question text",
    ),
    # --- export ----------------------------------------------------------------------------
    "gift-export-ordering": (
        "排序题在 GIFT 里没有对应的题型，没有导出",
        "Ordering questions have no GIFT equivalent; this one was not exported",
    ),
    "gift-export-arrow": (
        "“{text}” 里有 ->，GIFT 会把它当成连线题的分隔符，没有导出：请改写这段文字",
        "“{text}” contains ->, which GIFT reads as a matching pair, so the question was not "
        "exported: reword it",
    ),
    "gift-export-all-or-nothing": (
        "“全对才得分”在 GIFT 里无法表示：导出成按比例计分，每个正确选项 {percent}%，每个错误选项 "
        "-100%（只选对一部分也会得部分分）",
        "All-or-nothing scoring cannot be written in GIFT: exported as percentages, {percent}% "
        "for each right answer and -100% for each wrong one (choosing some of the right "
        "answers now earns part of the marks)",
    ),
    "gift-export-pair-feedback": (
        "连线题 “{text}” 这一组的反馈没有导出：GIFT 的连线题没有每组的反馈",
        "The feedback of the matching pair “{text}” was not exported: GIFT matching pairs "
        "have no feedback",
    ),
    "gift-export-tag": (
        "标签 “{tag}” 含有 < 或 >，Moodle 的标签不能有这些字符，没有导出这个标签",
        "The tag “{tag}” contains < or >, which Moodle tags cannot hold, so it was not exported",
    ),
}

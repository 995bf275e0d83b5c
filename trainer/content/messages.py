"""What each problem code means, for the trainer who has to fix the file.

Every message says what is wrong and what to write instead. Chinese first: most course
writers work in Chinese. A code with an optional suggestion has a second template under
"<code>/suggestion", used when the suggestion is not empty.
"""

from __future__ import annotations

from trainer.content.gift.messages import GIFT_MESSAGES
from trainer.content.model import Problem
from trainer.content.path_messages import PATH_MESSAGES

MESSAGES: dict[str, tuple[str, str]] = {
    # --- files -------------------------------------------------------------------------
    "course-md-missing": (
        "缺少 course.md：每门课程的文件夹里都要有 course.md，开头用 --- 包住课程设置（"
        "参见编写指南）",
        "course.md is missing: every course folder needs a course.md whose settings sit "
        "between --- lines at the top (see the authoring guide)",
    ),
    "slug-invalid": (
        "文件夹名 “{slug}” 不能作为课程代码：只能用小写英文字母、数字和 -，例如 sales-seven-steps",
        "The folder name “{slug}” cannot be a course code: use lower-case letters, digits "
        "and '-', e.g. sales-seven-steps",
    ),
    "file-too-large": (
        "文件太大（{size_kb} KB，上限 {limit_kb} KB），不会被显示：请把内容拆成几节课，"
        "图片放进 media/ 文件夹再用 ![说明](../media/图片.png) 引用",
        "The file is too large ({size_kb} KB, limit {limit_kb} KB) and will not be shown: "
        "split it into several lessons and put images in media/, linked as "
        "![caption](../media/picture.png)",
    ),
    "file-unreadable": (
        "无法读取这个文件（{detail}）：请检查文件权限",
        "This file cannot be read ({detail}): check its permissions",
    ),
    "not-utf8": (
        "这一行有不是 UTF-8 编码的字符：请用 UTF-8 编码重新保存文件（记事本：另存为 → 编码选 "
        "UTF-8）",
        "This line has characters that are not UTF-8: save the file again as UTF-8 "
        "(Notepad: Save as → Encoding: UTF-8)",
    ),
    "symlink": (
        "课程里不能放快捷方式/符号链接：请把真正的文件复制到课程文件夹里",
        "Courses cannot contain shortcuts or symbolic links: copy the real file into the "
        "course folder",
    ),
    "too-long-for-database": (
        "“{value}…” 太长（{length} 个字符，最多 {limit} 个）：请改短，例如用更短的文件夹名、"
        "文件名、标题或编号",
        "“{value}…” is too long ({length} characters, at most {limit}): shorten it, e.g. a "
        "shorter folder name, file name, title or id",
    ),
    "media-too-large": (
        "这个文件太大（{size_mb} MB，上限 {limit_mb} MB）：请压缩视频，或放到视频平台上，"
        "在课时里放链接",
        "This file is too large ({size_mb} MB, limit {limit_mb} MB): compress the video, or "
        "put it on a video platform and link to it from the lesson",
    ),
    "file-ignored": (
        "隐藏文件或备份文件（例如 quiz.md~、.quiz.md.swp、quiz.md.bak）不会被保存或提供给学员："
        "请把它从课程文件夹里删掉，它可能含有考题答案",
        "Hidden and backup files (such as quiz.md~, .quiz.md.swp, quiz.md.bak) are neither "
        "stored nor served: delete it from the course folder, it may hold the quiz answers",
    ),
    "file-type-not-served": (
        "这种文件不会提供给学员（只提供图片、音频、视频和 PDF）：如果不需要，"
        "请把它从课程文件夹里删掉",
        "Files of this type are never served to learners (only images, audio, video and "
        "PDF are): delete it from the course folder if it is not needed",
    ),
    "file-not-referenced": (
        "没有任何课时引用这个文件，所以学员看不到它：在课时里用 ![说明](../media/文件名) "
        "引用它，或者把它删掉",
        "No lesson links to this file, so learners cannot open it: show it in a lesson with "
        "![caption](../media/file-name), or delete it",
    ),
    "loader-failed": (
        "读取课程时出现意外错误（{detail}）：请把这条信息发给技术人员",
        "Unexpected error while reading the course ({detail}): please send this message to "
        "the technical team",
    ),
    # --- front matter ------------------------------------------------------------------
    "front-matter-missing": (
        "文件开头缺少设置区：第一行必须是 ---，然后写设置（如 title: 课程名称），再用一行 --- 结束",
        "The settings block is missing: the first line must be ---, then the settings "
        "(e.g. title: Course name), then a closing --- line",
    ),
    "front-matter-unclosed": (
        "设置区没有结束：请在最后一个设置下面加一行 ---",
        "The settings block is never closed: add a --- line after the last setting",
    ),
    "front-matter-too-long": (
        "设置区太长：--- 之间只放课程设置，正文写在第二个 --- 下面",
        "The settings block is too long: keep only settings between the --- lines and "
        "write the text below the second ---",
    ),
    "front-matter-yaml": (
        "设置区格式错误（{detail}）：每行写成 “名称: 值”，冒号后加空格，缩进只用空格不用 Tab",
        "The settings block is malformed ({detail}): write each setting as “name: value” "
        "with a space after the colon, and indent with spaces, not tabs",
    ),
    "front-matter-not-mapping": (
        "设置区应该是一行一个 “名称: 值”，例如 title: 课程名称",
        "The settings block must hold one “name: value” per line, e.g. title: Course name",
    ),
    "yaml-duplicate-key": (
        "{field} 写了两次：请删掉其中一行，只保留正确的值",
        "{field} is written twice: delete one of the lines and keep the right value",
    ),
    "field-missing": (
        '缺少 {field} 字段：请在文件开头的 --- 之间加一行 "{example}"',
        'The {field} field is missing: add a line "{example}" between the --- lines at '
        "the top of the file",
    ),
    "subfield-missing": (
        '{parent} 下缺少 {field}：请在 {parent}: 下面缩进两个空格加一行 "{example}"',
        '{parent} has no {field}: add a line "{example}" under {parent}:, indented by two spaces',
    ),
    "field-unknown": (
        "不认识的设置 {field}，它会被忽略：请检查拼写或删掉这一行",
        "Unknown setting {field}, it is ignored: check the spelling or delete the line",
    ),
    "field-unknown/suggestion": (
        "不认识的设置 {field}，它会被忽略：是不是想写 {suggestion}？",
        "Unknown setting {field}, it is ignored: did you mean {suggestion}?",
    ),
    "field-not-text": (
        "{field} 应该是一段文字（现在是 {value}）：例如 {field}: 售中服务七步曲",
        "{field} must be text (it is {value}): e.g. {field}: Seven steps of service",
    ),
    "field-not-integer": (
        "{field} 应该是一个整数（现在是 {value}）：只写数字，不要带单位，例如 {field}: {example}",
        "{field} must be a whole number (it is {value}): write only the number, no unit, "
        "e.g. {field}: {example}",
    ),
    "field-not-boolean": (
        "{field} 只能是 true 或 false（现在是 {value}）",
        "{field} must be true or false (it is {value})",
    ),
    "field-not-list": (
        "{field} 应该是一个方括号列表（现在是 {value}）：例如 {field}: [sales-associate, "
        "store-manager]；没有就写 []",
        "{field} must be a list in square brackets (it is {value}): e.g. "
        "{field}: [sales-associate, store-manager]; write [] for none",
    ),
    "field-not-mapping": (
        "{field} 下面应该是缩进的 “名称: 值” 设置（现在是 {value}）：参见编写指南里的例子",
        "{field} must hold indented “name: value” settings (it is {value}): see the "
        "example in the authoring guide",
    ),
    "number-too-small": (
        "{field} 不能小于 {minimum}（现在是 {value}）",
        "{field} cannot be less than {minimum} (it is {value})",
    ),
    "number-too-large": (
        "{field} 不能大于 {maximum}（现在是 {value}）",
        "{field} cannot be more than {maximum} (it is {value})",
    ),
    "category-unknown": (
        "不认识的课程类别 “{value}”：category 只能是 {allowed} 之一",
        "Unknown category “{value}”: category must be one of {allowed}",
    ),
    "position-unknown": (
        "不认识的岗位代码 “{value}”：target_positions 里只能写 {allowed}",
        "Unknown position code “{value}”: target_positions may only hold {allowed}",
    ),
    "positions-empty": (
        "target_positions 不能为空：至少写一个岗位，例如 [sales-associate]；所有岗位都要学就写 "
        "[all]",
        "target_positions cannot be empty: name at least one position, e.g. "
        "[sales-associate]; write [all] for every position",
    ),
    "language-invalid": (
        "语言代码 “{value}” 不正确：中文课程写 language: zh-CN，英文课程写 language: en",
        "Language code “{value}” is not valid: write language: zh-CN for Chinese or "
        "language: en for English",
    ),
    "review-unknown": (
        "quiz.review 不能是 “{value}”：只能写 {allowed} 之一",
        "quiz.review cannot be “{value}”: write one of {allowed}",
    ),
    "score-counts-unknown": (
        "quiz.score_counts 不能是 “{value}”：只能写 {allowed} 之一（best = 取最高一次的成绩，"
        "last = 取最后一次的成绩）",
        "quiz.score_counts cannot be “{value}”: write one of {allowed} (best = the highest "
        "attempt counts, last = the latest attempt counts)",
    ),
    # --- prerequisites -----------------------------------------------------------------
    "prerequisite-missing": (
        "先修课程 “{slug}” 不存在：请写 content/courses/ 下已有课程的文件夹名，或删掉它",
        "Prerequisite “{slug}” does not exist: write the folder name of a course under "
        "content/courses/, or remove it",
    ),
    "prerequisite-cycle": (
        "先修课程绕成了一个圈（{cycle}），谁也无法开始学习：请从其中一门课里删掉这个先修课程",
        "The prerequisites go round in a circle ({cycle}), so nobody could ever start: "
        "remove this prerequisite from one of these courses",
    ),
    "prerequisite-invalid": (
        "先修课程 “{slug}” 有错误，暂时没有发布，学员无法先学完它：请先修正那门课程",
        "Prerequisite “{slug}” has errors and is not published, so learners cannot "
        "complete it first: fix that course",
    ),
    # --- lessons and links -------------------------------------------------------------
    "course-no-lessons": (
        "课程还没有课时：请在 lessons/ 文件夹里放至少一个课时文件，例如 lessons/01-welcome.md",
        "The course has no lessons: put at least one lesson file in lessons/, e.g. "
        "lessons/01-welcome.md",
    ),
    "lesson-filename": (
        "课时文件名 “{name}” 不符合要求：写成 “两位数字-英文名.md”，例如 01-warm-welcome.md（"
        "小写字母、数字和 -）",
        "Lesson file name “{name}” is not valid: name it “two digits-name.md”, e.g. "
        "01-warm-welcome.md (lower-case letters, digits and '-')",
    ),
    "lesson-number-duplicate": (
        "课时编号 {number} 和 {other} 重复：每个课时要有自己的编号，请改成下一个没用过的编号",
        "Lesson number {number} is also used by {other}: give each lesson its own number",
    ),
    "lesson-slug-duplicate": (
        "课时名 “{slug}” 和另一个课时重复：请换一个名字",
        "Lesson name “{slug}” is used by another lesson too: choose another name",
    ),
    "lesson-no-title": (
        "课时缺少标题：第一行要写成 “# 课时标题”，例如 # {example}",
        "The lesson has no title: its first line must be “# Lesson title”, e.g. # {example}",
    ),
    "lesson-placeholder-unknown": (
        "不认识的占位符 {placeholder}：可以用的有 {known}（名字要一字不差）；"
        "如果要显示花括号本身，在前面加一个反斜杠：\\{{{{名称}}}}",
        "Unknown placeholder {placeholder}: the known ones are {known} (spelt exactly so); "
        "to show the braces themselves, put a backslash in front: \\{{{{name}}}}",
    ),
    "lesson-placeholder-no-value": (
        "{placeholder} 没有数字可显示：本课程的 {setting} 是 0（不限时或不用等待）。"
        "请删掉这句话，或在 course.md 里设置 {setting}",
        "{placeholder} has no number to show: this course's {setting} is 0 (no time limit "
        "or no wait). Delete the sentence, or set {setting} in course.md",
    ),
    "lesson-hard-coded-setting": (
        "“{text}” 和本课程的考试设置 {setting}: {value} 一样：请改写成 {placeholder}，"
        "以后修改 course.md 里的设置，课文会自动跟着变",
        "“{text}” is the same as this course's exam setting {setting}: {value}: write "
        "{placeholder} instead, so the lesson follows when course.md's setting changes",
    ),
    "link-broken": (
        "找不到链接或图片 “{target}”（应在课程文件夹的 {resolved}）：请检查文件名和大小写，"
        "路径从当前文件所在文件夹算起，例如 ../media/图片.png",
        "Link or image “{target}” not found (expected at {resolved} in the course folder): "
        "check the file name and its case; the path starts from this file's folder, e.g. "
        "../media/picture.png",
    ),
    "link-leaves-course": (
        "链接或图片 “{target}” 指向了课程文件夹以外：请把文件复制到课程的 media/ 文件夹，再写 "
        "../media/文件名",
        "Link or image “{target}” points outside the course folder: copy the file into the "
        "course's media/ folder and write ../media/file-name",
    ),
    "link-bad-scheme": (
        "不允许使用 {scheme}: 链接 “{target}”：只能链接到 http(s) 网址或课程里的文件",
        "{scheme}: links are not allowed (“{target}”): link only to http(s) addresses or "
        "files in the course",
    ),
    # --- quiz --------------------------------------------------------------------------
    "quiz-missing": (
        "缺少 quiz.md：每门课程都要有题库，题目写法参见编写指南",
        "quiz.md is missing: every course needs a question bank; see the authoring guide",
    ),
    "quiz-empty": (
        "quiz.md 里没有题目：每道题以 “## 题目编号” 开头，例如 ## greet-within-3-seconds",
        "quiz.md has no questions: each question starts with “## question-id”, e.g. "
        "## greet-within-3-seconds",
    ),
    "quiz-text-before-first-question": (
        "第一道题之前的文字不会显示：请删掉，或放到某道题里",
        "Text before the first question is not shown anywhere: delete it or move it into "
        "a question",
    ),
    "question-id-invalid": (
        "题目编号 “{value}” 不符合要求：## 后面只写小写英文字母、数字和 -，例如 ## {example}",
        "Question id “{value}” is not valid: after ## write only lower-case letters, digits "
        "and '-', e.g. ## {example}",
    ),
    "question-id-duplicate": (
        "题目编号 {id} 已在第 {first_line} 行用过：每道题要有自己的编号，请换一个",
        "Question id {id} is already used on line {first_line}: give each question its own id",
    ),
    "question-key-duplicate": (
        "{key} 写了两次：请删掉其中一行",
        "{key} is written twice: delete one of the lines",
    ),
    "question-key-unknown": (
        "这道题不认识设置 {key}，它会被忽略：这类题可用的设置有 {allowed}",
        "This question does not know the setting {key}, it is ignored: this type accepts {allowed}",
    ),
    "question-type-missing": (
        "题目 {id} 缺少题型：在 ## 标题下一行写 type: single（或 "
        "multiple、truefalse、fill、ordering、matching、numerical、scenario）",
        "Question {id} has no type: on the line under the ## heading write type: single "
        "(or multiple, truefalse, fill, ordering, matching, numerical, scenario)",
    ),
    "question-type-unknown": (
        "不认识的题型 “{value}”：type 只能是 {allowed} 之一",
        "Unknown question type “{value}”: type must be one of {allowed}",
    ),
    "question-type-unknown/suggestion": (
        "不认识的题型 “{value}”：是不是想写 type: {suggestion}？",
        "Unknown question type “{value}”: did you mean type: {suggestion}?",
    ),
    "question-points": (
        "分值 “{value}” 不正确：points 写一个正整数，例如 points: {example}",
        "Points “{value}” is not valid: write a whole number of 1 or more, e.g. points: {example}",
    ),
    "question-difficulty": (
        "难度 “{value}” 不正确：difficulty 只能写 easy、medium 或 hard",
        "Difficulty “{value}” is not valid: write easy, medium or hard",
    ),
    "question-no-text": (
        "题目 {id} 没有题干：在设置下面空一行，写出要问的问题",
        "Question {id} has no question text: leave a blank line after the settings and "
        "write the question",
    ),
    "answer-line-unrecognised": (
        "选项后面的这一行看不懂，不会显示（“{text}”）：解析请以 “解析：” 开头，"
        "选项反馈请缩进两格并以 > 开头",
        "This line after the answers is not understood and will not be shown (“{text}”): "
        "start the explanation with “Explanation:”, and indent option feedback with "
        "two spaces and >",
    ),
    "options-not-used": (
        "{type} 题不用 - [x] 选项，这一行会当作题干显示：判断题用 answer: true 或 answer: false，"
        "数值题用 answer: 15",
        "{type} questions do not use - [x] options; this line is shown as question text: "
        "use answer: true/false for truefalse and answer: 15 for numerical",
    ),
    "options-too-few": (
        "题目 {id} 只有 {found} 个选项：至少写两个，每个一行，例如 - [x] 正确答案 和 - [ ] "
        "错误答案",
        "Question {id} has only {found} options: write at least two, one per line, e.g. "
        "- [x] right answer and - [ ] wrong answer",
    ),
    "single-correct-count": (
        "单选题必须正好有一个 [x]（满分 100%）的正确选项（现在有 {found} 个）：正确的写 - [x]，"
        "得部分分的写 - [50%]，其余写 - [ ]；有多个正确答案请改成 type: multiple",
        "A single-choice question needs exactly one [x] (100%) option (it has {found}): mark "
        "the right one - [x], options worth part of the points - [50%], and the others "
        "- [ ]; for several right answers use type: multiple",
    ),
    "credit-out-of-range": (
        "部分得分 {percent}% 不正确：要写 0 到 100 之间的百分比，例如（50%）；答错不扣分，"
        "不能写负数",
        "The partial credit {percent}% is not valid: write a percentage from 0 to 100, e.g. "
        "(50%); a wrong answer never takes marks away, so it cannot be negative",
    ),
    "multiple-no-correct": (
        "多选题至少要有一个 [x] 正确选项：把正确的选项写成 - [x]",
        "A multiple-choice question needs at least one [x] option: mark the right ones - [x]",
    ),
    "scoring-unknown": (
        "scoring 不能是 “{value}”：按比例计分写 scoring: weighted，全对才得分就删掉这一行",
        "scoring cannot be “{value}”: write scoring: weighted for partial credit, or delete "
        "the line for all-or-nothing",
    ),
    "weighted-option-checkbox": (
        "按比例计分（scoring: weighted）的选项要写百分比，例如 - [50%] 选项 或 - [-50%] 选项，"
        "而不是 [x]/[ ]",
        "With scoring: weighted, options carry percentages, e.g. - [50%] option or "
        "- [-50%] option, not [x]/[ ]",
    ),
    "weights-need-weighted-scoring": (
        "选项写了百分比，但这道题没有 scoring: weighted：请在设置里加上 scoring: weighted，或改用 "
        "- [x]/- [ ]",
        "Options carry percentages but the question has no scoring: weighted: add "
        "scoring: weighted to its settings, or use - [x]/- [ ]",
    ),
    "weighted-sum": (
        "正分选项的百分比加起来是 {total}%，应该正好是 100%：请调整各选项的百分比",
        "The positive percentages add up to {total}%, they must add up to exactly 100%: "
        "adjust the options",
    ),
    "truefalse-answer": (
        "判断题的答案要写在设置里：answer: true（对）或 answer: false（错）",
        "A true/false question needs its answer in the settings: answer: true or answer: false",
    ),
    "fill-no-blank": (
        "填空题 {id} 的题干里没有空：在要填的位置写四个或更多下划线 ____",
        "Fill-in question {id} has no blank: write four or more underscores ____ where the "
        "answer goes",
    ),
    "fill-several-blanks": (
        "填空题只能有一个空（现在有 {found} 个）：请拆成几道题，每道一个 ____",
        "A fill-in question can have only one blank (it has {found}): split it into "
        "several questions with one ____ each",
    ),
    "fill-no-answers": (
        "填空题 {id} 没有答案：在题干下面一行写一个答案，例如 - = 补考；可以接受的其他写法各占一行",
        "Fill-in question {id} has no answers: write each accepted answer on its own line, "
        "e.g. - = retake",
    ),
    "fill-no-full-answer": (
        "填空题至少要有一个满分答案：去掉其中一个答案后面的百分比（不写就是 100%）",
        "A fill-in question needs at least one full-mark answer: remove the percentage after "
        "one of the answers (no percentage means 100%)",
    ),
    "truefalse-choice-twice": (
        "“{word}” 写了两次：判断题的 - 对 和 - 错 各写一次，反馈写在下面缩进的 > 行",
        "“{word}” is written twice: write - 对 (true) and - 错 (false) once each, with the "
        "feedback on indented > lines under them",
    ),
    "numerical-answer-line": (
        "数值答案 “{value}” 看不懂：写成 - = 15、- = 15 ± 1（允许误差 1）或 - = 10..20（范围），"
        "部分得分写在后面，例如 - = 14（50%）",
        "The numerical answer “{value}” is not understood: write - = 15, - = 15 ± 1 (within "
        "1) or - = 10..20 (a range), with partial credit after it, e.g. - = 14 (50%)",
    ),
    "numerical-no-full-answer": (
        "数值题至少要有一个满分答案：去掉其中一个答案后面的百分比（不写就是 100%）",
        "A numerical question needs at least one full-mark answer: remove the percentage "
        "after one of the answers (no percentage means 100%)",
    ),
    "numerical-other-credit": (
        "- = * 是“其他任何数字”的反馈，不得分，不能写百分比：请删掉百分比",
        "- = * holds the feedback for any other number, which earns nothing: delete the percentage",
    ),
    "numerical-other-twice": (
        "- = *（其他任何数字）只能写一次",
        "- = * (any other number) can be written only once",
    ),
    "ordering-too-few": (
        "排序题至少要有两个步骤（现在有 {found} 个）：每行写一个，例如 - [1] 主动迎宾",
        "An ordering question needs at least two items (it has {found}): one per line, "
        "e.g. - [1] Greet the customer",
    ),
    "ordering-numbers": (
        "排序题的编号是 {found}，应该正好是 1 到 {count} 各一次：方括号里写这一步的正确位置",
        "The ordering numbers are {found}, they must be 1 to {count}, each once: the number "
        "in brackets is the item's correct position",
    ),
    "ordering-duplicate-item": (
        "排序题里有两个步骤文字完全一样，学员无法区分：请改写其中一个",
        "Two ordering items have the same text and cannot be told apart: reword one",
    ),
    "matching-too-few": (
        "连线题至少要有 3 组配对（现在有 {found} 组）：每行写一组，例如 - 投诉 => 先道歉再了解情况",
        "A matching question needs at least 3 pairs (it has {found}): one per line, e.g. "
        "- Complaint => Apologise, then ask",
    ),
    "matching-duplicate-left": (
        "左边 “{left}” 出现了两次：每组配对的左边要不同",
        "The left side “{left}” appears twice: each pair needs a different left side",
    ),
    "numerical-no-answer": (
        "数值题 {id} 没有答案：在设置里写 answer: 15（可加 tolerance: 1 表示允许误差），或写 min: "
        "10 和 max: 20",
        "Numerical question {id} has no answer: write answer: 15 (optionally tolerance: 1) "
        "or min: 10 and max: 20 in its settings",
    ),
    "numerical-not-number": (
        "{key} 应该是一个数字（现在是 “{value}”）：只写数字，不要带单位，例如 {key}: {example}",
        "{key} must be a number (it is “{value}”): write only the number, no unit, "
        "e.g. {key}: {example}",
    ),
    "numerical-both": (
        "数值题只能二选一：要么写 answer（可加 tolerance），要么写 min 和 max",
        "Write either answer (with an optional tolerance) or min and max, not both",
    ),
    "numerical-range-incomplete": (
        "min 和 max 要一起写：例如 min: 10 和 max: 20",
        "min and max go together: e.g. min: 10 and max: 20",
    ),
    "numerical-range": (
        "范围不正确：tolerance 不能是负数，min 不能大于 max",
        "The range is not valid: tolerance cannot be negative and min cannot be more than max",
    ),
    "scenario-no-asks": (
        "情景题 {id} 缺少 asks：在设置里写要问的题型，例如 asks: multiple",
        "Scenario question {id} has no asks: write the type of the question it asks, e.g. "
        "asks: multiple",
    ),
    "scenario-asks-invalid": (
        "asks 不能是 “{value}”：只能写 {allowed} 之一",
        "asks cannot be “{value}”: write one of {allowed}",
    ),
    "scenario-no-separator": (
        "情景题 {id} 缺少分隔线：先写案例，再单独一行写 ---，下面写问题和选项",
        "Scenario question {id} has no separator: write the case, then a line ---, then the "
        "question and its answers",
    ),
    "scenario-no-case": (
        "情景题 {id} 没有案例：在 --- 上面写出情景描述",
        "Scenario question {id} has no case: describe the situation above the --- line",
    ),
    "questions-per-attempt-too-many": (
        "每次考试要抽 {wanted} 道题，但题库只有 {available} 道：请减少 questions_per_attempt 或在 "
        "quiz.md 里加题",
        "Each attempt draws {wanted} questions but the bank has only {available}: lower "
        "questions_per_attempt or add questions to quiz.md",
    ),
    "tag-quota-too-many": (
        "标签 “{tag}” 要抽 {wanted} 道题，但题库里只有 {available} 道带这个标签："
        "请减少数量或给更多题目加上 tags: {tag}",
        "Tag “{tag}” asks for {wanted} questions but only {available} carry it: lower the "
        "number or add tags: {tag} to more questions",
    ),
    "tag-quota-sum": (
        "各标签要抽的题目加起来是 {total} 道，超过了每次考试的 {wanted} 道：请减少 tag_quotas "
        "里的数量",
        "The tag quotas add up to {total} questions, more than the {wanted} per attempt: "
        "lower the numbers in tag_quotas",
    ),
    # --- checklists --------------------------------------------------------------------
    "practical-missing": (
        "course.md 写了 practical_required: true，但缺少 practical.md：请添加现场考核清单，或改成 "
        "practical_required: false",
        "course.md says practical_required: true but practical.md is missing: add the "
        "practical checklist or set practical_required: false",
    ),
    "attitude-missing": (
        "course.md 写了 attitude_required: true，但缺少 attitude.md：请添加态度评价清单，或改成 "
        "attitude_required: false",
        "course.md says attitude_required: true but attitude.md is missing: add the attitude "
        "checklist or set attitude_required: false",
    ),
    "checklist-not-required": (
        "{kind}.md 不会被使用，因为 course.md 没有写 {kind}_required: true：需要这项考核就在 "
        "course.md 里加上它",
        "{kind}.md is not used because course.md does not say {kind}_required: true: add "
        "that line if the course needs this assessment",
    ),
    "checklist-no-items": (
        "清单里没有考核项：每个考核项写成 “### 编号 标题”，放在某个 “## 步骤” 下面",
        "The checklist has no items: write each item as “### id Title” under a “## Step” heading",
    ),
    "checklist-step-no-title": (
        "步骤缺少标题：## 后面写步骤名称，例如 ## 第一步　主动迎宾",
        "The step has no title: write its name after ##, e.g. ## Step 1 Greeting",
    ),
    "checklist-step-empty": (
        "步骤 “{step}” 下面没有考核项：加上 “### 编号 标题”，或删掉这个步骤",
        "Step “{step}” has no items: add “### id Title” items or delete the step",
    ),
    "checklist-item-outside-step": (
        "考核项要放在某个步骤下面：在它上面加一行 “## 步骤名称”",
        "An item must sit under a step: add a “## Step name” line above it",
    ),
    "checklist-item-id-invalid": (
        "考核项标题 “{value}” 不正确：写成 “### 编号 标题”，编号只用小写英文字母、数字和 -，例如 "
        "### greet-within-3s 三秒内主动问候",
        "Item heading “{value}” is not valid: write “### id Title” with an id of lower-case "
        "letters, digits and '-', e.g. ### greet-within-3s Greets within 3 seconds",
    ),
    "checklist-item-no-title": (
        "考核项 {id} 缺少标题：在编号后空一格写标题，例如 ### {id} 三秒内主动问候",
        "Item {id} has no title: write it after the id and a space, e.g. ### {id} Greets "
        "within 3 seconds",
    ),
    "checklist-item-id-duplicate": (
        "考核项编号 {id} 已在第 {first_line} 行用过：每个考核项要有自己的编号",
        "Item id {id} is already used on line {first_line}: give each item its own id",
    ),
    "checklist-no-should": (
        "考核项 {id} 缺少 “应该” 的描述：加一行 - 应该：……，写出考核员要看到的具体行为",
        "Item {id} has no “should” line: add - Should: … describing the behaviour the "
        "assessor must see",
    ),
    "checklist-scale": (
        "评分等级 “{value}” 不正确：写成 scale: 0=未做到; 1=部分做到; 2=完全做到（至少两级，从 0 "
        "开始，分数不重复）",
        "Scale “{value}” is not valid: write scale: 0=not done; 1=partly; 2=fully (at least "
        "two levels, starting at 0, no repeated scores)",
    ),
    "checklist-weight": (
        "权重 “{value}” 不正确：weight 写一个正整数，例如 weight: {example}",
        "Weight “{value}” is not valid: write a whole number of 1 or more, e.g. weight: {example}",
    ),
    "checklist-critical": (
        "critical 只能写 true 或 false（现在是 “{value}”）",
        "critical must be true or false (it is “{value}”)",
    ),
    "checklist-line-unrecognised": (
        "这一行看不懂，不会显示（“{text}”）：考核项下面只写 critical/weight/scale 设置和 - 应该："
        "/- 不应该： 行",
        "This line is not understood and will not be shown (“{text}”): under an item write "
        "only critical/weight/scale settings and - Should:/- Should not: lines",
    ),
    # --- the whole bank (bank_checks.py): warnings ---------------------------------------
    "bank-right-is-longest": (
        "单选题中正确答案是最长选项的占 {percent}%（{longest}/{total} 道），超过 {limit}%："
        "学员只挑最长的选项也能答对不少。请把干扰项写得和正确答案一样具体，或把正确答案写得更简洁",
        "In {percent}% of the single-choice questions ({longest} of {total}) the right answer "
        "is the longest option, over {limit}%: a learner who always picks the longest option "
        "scores well. Write distractors as specific as the right answer, or shorten the right one",
    ),
    "bank-multiple-right-majority": (
        "全部 {total} 道多选题里，正确选项都不少于错误选项：学员多选几项就容易得分。"
        "请至少在一部分多选题里多写几个似是而非的错误选项",
        "In all {total} multiple-select questions the right options are at least as many as "
        "the wrong ones: ticking most options pays. Give some of them more plausible wrong "
        "options than right ones",
    ),
    "bank-too-small": (
        "题库只有 {available} 道题，每次抽 {wanted} 道：考三次就几乎见过全部题目。"
        "题库至少要有抽题数的三倍（{minimum} 道）",
        "The bank has {available} questions and each attempt draws {wanted}: three attempts "
        "show nearly all of it. Give it at least three times the draw ({minimum} questions)",
    ),
    "lesson-no-quota-tag": (
        "第 {number} 课（{title}）没有对应的考题标签：course.md 的 quiz.tag_quotas 按课时顺序"
        "每课写一个标签（第 {number} 个标签就是这一课的），再给这一课的题目加上这个标签",
        "Lesson {number} ({title}) has no exam tag: quiz.tag_quotas in course.md names one "
        "tag per lesson, in lesson order (tag number {number} is this lesson's); add it and "
        "tag this lesson's questions with it",
    ),
    "lesson-not-examined": (
        "第 {number} 课（{title}）没有任何考题：tag_quotas 里这一课的标签是 “{tag}”，"
        "但题库里没有一道题带这个标签",
        "Lesson {number} ({title}) is never examined: its tag in tag_quotas is “{tag}”, but "
        "no question in the bank carries it",
    ),
    "text-has-setting": (
        "题干里的 “{text}” 像是一项设置，却会作为题目文字显示给学员：设置写在 ## 题号下面、"
        "用英文名称，例如 {example}",
        "“{text}” in the question text looks like a setting, but learners will see it as part "
        "of the question: settings go under the ## id line, in English, e.g. {example}",
    ),
    "text-has-explanation": (
        "题干里的 “{text}” 像是解析，却会作为题目文字显示给学员：解析写在所有选项之后，"
        "单独一行、顶格，例如 {example}",
        "“{text}” in the question text looks like an explanation, but learners will see it "
        "as part of the question: put it after all the options, on its own line at the left "
        "edge, e.g. {example}",
    ),
    "text-has-answer": (
        "题干里的 “{text}” 像是答案，却会作为题目文字显示给学员（等于把答案告诉了学员）："
        "选择题在正确选项前写 - [x]；填空题在题干下写 - = {example}；判断题和数值题在设置里写 "
        "answer: {example}",
        "“{text}” in the question text looks like the answer, and learners will see it: mark "
        "the right option - [x]; under a fill-in write - = {example}; for true/false and "
        "numerical questions write answer: {example} in the settings",
    ),
    # --- GIFT import/export: gift/messages.py ----------------------------------------
    **GIFT_MESSAGES,
    **PATH_MESSAGES,
}

LOCALES = ("zh", "en")


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(code: str, params: dict, locale: str = "zh") -> str:
    """The message for `code` in `locale` ("zh…" → Chinese, anything else → English)."""
    index = 0 if locale.lower().startswith("zh") else 1
    if params.get("suggestion") and f"{code}/suggestion" in MESSAGES:
        code = f"{code}/suggestion"
    templates = MESSAGES.get(code)
    if templates is None:
        details = ", ".join(f"{key}={value}" for key, value in params.items())
        return f"{code} ({details})" if details else code
    return templates[index].format_map(_KeepMissing(params))


def format_problem(problem: Problem, locale: str = "zh") -> str:
    """`file:line: message`, or `file: message` when the problem concerns the whole file."""
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    marker = (
        "" if problem.is_error else ("警告：" if locale.lower().startswith("zh") else "warning: ")
    )
    return f"{where}: {marker}{problem.message(locale)}"

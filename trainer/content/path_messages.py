"""Messages for problems in career-path files (content/paths/*.md), Chinese then English."""

PATH_MESSAGES: dict[str, tuple[str, str]] = {
    "path-title-missing": (
        "缺少 title：请写通道名称，例如 “title: 专业技术通道”",
        "title is missing: name the track, e.g. “title: 专业技术通道”",
    ),
    "path-track-invalid": (
        "track 的值 “{value}” 无效：只能是 specialist（专业技术通道）或 management（管理通道）",
        "track “{value}” is not valid: use specialist or management",
    ),
    "path-levels-missing": (
        "缺少 levels：请列出这个通道的各个等级，每级写 id、title 和 requires",
        "levels is missing: list the track's levels, each with id, title and requires",
    ),
    "path-level-invalid": (
        "第 {number} 个等级写法不对：每个等级都要有 id（小写英文、数字和 -）、title 和 "
        "requires（课程代码列表）",
        "Level {number} is not written right: each level needs an id (lower-case letters, "
        "digits, '-'), a title and requires (a list of course codes)",
    ),
    "path-level-duplicate": (
        "等级 id “{level}” 重复了：每个等级的 id 在所有通道中都必须唯一",
        "The level id “{level}” is used twice: level ids must be unique across all tracks",
    ),
    "path-course-missing": (
        "等级 “{level}” 要求的课程 “{course}” 不存在，这个通道暂时不会生效：请检查课程代码"
        "（content/courses/ 下的文件夹名）；如果这门课还在编写，请先把它放进 content/courses/ "
        "并通过检查、同步",
        "Level “{level}” requires the course “{course}”, which does not exist, so this track "
        "is not used until it does: check the course code (its folder name under "
        "content/courses/); a course still being written must be in content/courses/, checked "
        "and synced first",
    ),
    "path-position-course-missing": (
        "岗位 “{position}” 的本岗位课程 “{course}” 不存在，这个通道暂时不会生效：请检查课程代码"
        "（content/courses/ 下的文件夹名），或先把这门课放进 content/courses/ 并同步",
        "The course “{course}” of position “{position}” does not exist, so this track is not "
        "used until it does: check the course code (its folder name under content/courses/), "
        "or put the course there and sync it first",
    ),
    "path-position-courses-invalid": (
        "position_courses 写法不对：每行写 “岗位代码: [课程代码, …]”，例如 front-desk: "
        "[reception-sop]",
        "position_courses is not written right: one “position code: [course codes]” per "
        "line, e.g. front-desk: [reception-sop]",
    ),
    "path-position-unknown": (
        "position_courses 里的岗位代码 “{position}” 不认识，这个岗位的人不会用到它：岗位代码有 "
        "{known}",
        "The position code “{position}” in position_courses is not known, so nobody will "
        "match it: the position codes are {known}",
    ),
    "path-position-courses-missing": (
        "等级 “{level}” 写了 own_position_courses: true，但通道里没有 position_courses：请在 "
        "levels 上方写出每个岗位自己的课程，例如 position_courses: 下面一行 front-desk: "
        "[reception-sop]",
        "Level “{level}” has own_position_courses: true, but the track has no "
        "position_courses: list each position's own courses above levels, e.g. "
        "front-desk: [reception-sop]",
    ),
    "path-own-position-invalid": (
        "等级 “{level}” 的 own_position_courses 只能写 true 或 false",
        "own_position_courses of level “{level}” must be true or false",
    ),
    "path-required-level-missing": (
        "等级 “{level}” 的 requires_level 指向的等级 “{required}” 在所有通道里都不存在："
        "请写某个通道里已有的等级 id，例如 mid-specialist",
        "Level “{level}” requires the level “{required}”, which no track has: name an "
        "existing level id, e.g. mid-specialist",
    ),
    "path-requires-itself": (
        "等级 “{level}” 的 requires_level 不能是它自己",
        "Level “{level}” cannot require itself",
    ),
    "path-months-without-level": (
        "等级 “{level}” 写了 min_months_in_required_level，却没有写 requires_level：请写明要求"
        "在哪个等级任职满这些月数",
        "Level “{level}” has min_months_in_required_level but no requires_level: name the "
        "level whose months count",
    ),
    "path-after-missing": (
        "等级 “{level}” 的 after 指向不存在的等级 “{after}”：请写同一通道里已有的等级 id",
        "Level “{level}” comes after “{after}”, which does not exist: name a level of the "
        "same track",
    ),
    "path-level-cycle": (
        "等级之间的先后关系绕成了一个圈（{cycle}），谁也无法晋升：请删掉其中一个 after",
        "The levels' order goes round in a circle ({cycle}), so nobody could ever be "
        "promoted: remove one of these after entries",
    ),
    "path-months-invalid": (
        "等级 “{level}” 的 {key} 必须是 0 或正整数（月数）",
        "{key} of level “{level}” must be 0 or a whole number of months",
    ),
}

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
        "等级 “{level}” 要求的课程 “{course}” 不存在：请检查课程代码（content/courses/ "
        "下的文件夹名）",
        "Level “{level}” requires the course “{course}”, which does not exist: check the "
        "course code (its folder name under content/courses/)",
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
        "等级 “{level}” 的 min_months_in_previous 必须是 0 或正整数（月数）",
        "min_months_in_previous of level “{level}” must be 0 or a whole number of months",
    ),
}

//! The Chinese words of the lexicon, one list per purpose (see the module
//! above for how each purpose's lists are combined across languages).
//! Texts are folded (`normalize::fold`) before they are searched, so the
//! words here are folded too: simplified characters, half-width ASCII.

// Is a message a task?

/// Replies that only acknowledge (收到, 好的): a message that is one of
/// these, or little more, is no ask.
pub const ACKNOWLEDGEMENTS: &[&str] = &[
    "收到",
    "好的",
    "好",
    "明白",
    "已收到",
    "收到了",
    "好嘞",
    "嗯",
    "谢谢",
    "辛苦了",
    "辛苦",
    "了解",
    "收到👌",
];

/// Words that on their own make a message an ask.
pub const ASK_CUES: &[&str] = &[
    "请",
    "麻烦",
    "务必",
    "抓紧",
    "尽快",
    "必须",
    "记得",
    "别忘",
    "不要忘",
    "要求",
    "提醒",
    "需要",
    "一定要",
    "每天",
    "每日",
    "发这里",
    "发群里",
    "交这里",
    "报我",
    "发我",
    "给我",
    "交我",
    "报过来",
    "发过来",
    "你把",
    "你去",
    "你负责",
    "你跟",
    "你带",
    "你和",
    "你排",
    "你准备",
    "你弄",
    "一下",
    "补交",
    "补报",
    "重新报",
    "重新发",
    "速报",
    "立即",
    "准时",
    "截止",
    "前报",
    "前交",
    "前提交",
    "前上传",
    "前完成",
    "前发",
    "前上报",
    "前填报",
    "前录入",
    "前到",
    "前收齐",
    "没交的",
    "还没交",
    "还没报",
    "还差",
    "没发",
    "没报",
    "没发的",
    "没报的",
    "未报",
    "未交",
    "未上传",
];

/// Verbs that hand something in or do something: a message with one reads
/// more like an ask.
pub const HAND_IN_VERBS: &[&str] = &[
    "报送", "上报", "提交", "交", "报", "发", "上传", "反馈", "填报", "录入", "回复", "参加",
    "参会", "到场", "签到", "转发", "点赞", "完成", "统计", "排查", "拍照", "组织", "开展", "设置",
    "收缴", "动员", "集合", "值班", "到岗", "落实", "做好",
];

/// Thanks, praise and well-wishing: closing words, not asks.
pub const THANKS: &[&str] = &[
    "谢谢",
    "感谢",
    "辛苦",
    "表扬",
    "不错",
    "圆满",
    "注意安全",
    "快乐",
];

/// A generic exhortation with no concrete deliverable.
pub const EXHORTATIONS: &[&str] = &[
    "认真贯彻落实",
    "贯彻落实",
    "学习领会",
    "抓好落实",
    "高度重视",
];

/// Someone reporting work done, not asking for it.
pub const WORK_DONE: &[&str] = &[
    "填好了",
    "弄好了",
    "做好了",
    "已补报",
    "已补交",
    "补交了",
    "已交齐",
    "已汇总",
    "已全部",
    "都收齐了",
    "已收齐",
    "收齐了",
    "交齐了",
    "已完成",
    "已报送",
    "已上传",
    "已提交",
];

/// Words that say work is still outstanding: a report of work done that
/// has one still asks for the rest.
pub const STILL_OPEN: &[&str] = &["还", "未", "没", "不用重复"];

/// The sender's own plans and promises, at the start of a message: not asks.
pub const PROMISES: &[&str] = &[
    "我会",
    "我马上",
    "我这就",
    "我稍后",
    "我明天",
    "我今天",
    "我下午",
    "我晚点",
    "我周",
    "我们会",
    "我们马上",
    "我们明天",
    "我来",
    "我先",
    "我把",
    "我们把",
    "我这边",
    "马上发",
    "马上报",
    "稍后发",
];

/// Something called off: no longer an ask.
pub const CANCELLATIONS: &[&str] = &["取消", "不用来了", "不用交", "不用报", "不用参加"];

/// An announcement whose details come later: not yet an ask.
pub const DETAILS_LATER: &[&str] = &[
    "随后发",
    "另行通知",
    "后续通知",
    "详见后续",
    "后面发",
    "再通知",
];

/// An invitation, which people may decline: not an ask.
pub const INVITATIONS: &[&str] = &["欢迎", "有兴趣", "感兴趣", "自愿参加"];

/// Words that address everyone in the group, or units in it.
pub const GROUP_ADDRESS: &[&str] = &[
    "各位",
    "大家",
    "全体",
    "各村",
    "各乡镇",
    "各办",
    "各支部",
    "各部门",
    "各单位",
    "各科室",
    "各社区",
    "各网格",
    "各站",
    "各文化站",
    "各位同志",
    "所有",
    "各组",
    "全镇",
    "各联络员",
    "各村联络员",
];

/// Words that mark a date in a message as a deadline (a date alone is
/// often just when something happens).
pub const DEADLINE_MARKERS: &[&str] = &["前", "截止", "之内", "以内", "为止", "最晚"];

/// Words that address the reader: a sender's own plan beside one is still
/// part of an ask.
pub const ADDRESSING: &[&str] = &["请", "你", "各"];

/// Words that press the reader: an invitation with one is an ask.
pub const URGING: &[&str] = &["请", "务必"];

/// A question that is a request aimed at someone (能把…发我吗？), not
/// a question for information.
pub const QUESTION_REQUESTS: &[&str] = &["能把", "能不能把", "可以把", "帮我", "帮忙", "麻烦"];

// Which time is the deadline?

/// A hand-in verb in the clause after a time: the time is when to hand in.
pub const HAND_IN_DEADLINE_CUES: &[&str] = &[
    "报送", "上报", "提交", "交", "报", "发", "上传", "反馈", "填报", "录入", "回复", "给我",
    "到场", "到位", "集合", "签到", "完成", "补", "传", "转移",
];

/// A meeting or departure in the clause after a time: its start is the
/// deadline.
pub const MEETING_CUES: &[&str] = &[
    "开会", "召开", "会议", "培训", "演练", "参加", "开始", "出发", "例会",
];

/// Who a time is quoted from when it is upstream's, not the sender's.
pub const UPSTREAM: &[&str] = &["县里", "区里", "市里", "省里", "上级", "局里"];

/// In the clause before a time: a party that comes to the readers, whose
/// time is not the readers' arrival (检查组定于…到厂).
pub const VISITORS: &[&str] = &[
    "检查组",
    "督查组",
    "督导组",
    "考核组",
    "调研组",
    "评估组",
    "巡查组",
    "验收组",
    "暗访组",
    "审计组",
    "核查组",
    "专家组",
];

/// Right after a time: it is a deadline (5点前, 周五截止).
pub const DEADLINE_AFTER: &[&str] = &["前", "之前", "以前", "截止", "为止", "止"];

/// Right before a time: it is a deadline (截止时间, 最迟, 务必于).
pub const DEADLINE_BEFORE: &[&str] = &[
    "截止时间:",
    "截止时间",
    "截止日期:",
    "截止日期",
    "截止",
    "不晚于",
    "最迟",
    "最晚",
    "务必于",
    "于",
    "在",
    "截止时间：",
];

/// Right after a time: an arrival, assembly or sign-in, which replaces the
/// event's start as the deadline.
pub const ARRIVAL_AFTER: &[&str] = &["集合", "到场", "到岗", "报到", "签到", "出发"];

/// Right before a time: the end of a window left open until then.
pub const WINDOW_END_BEFORE: &[&str] =
    &["开放至", "开放到", "开通至", "开通到", "期间至", "期限至"];

/// Right after a time: the end of a window ("至6月30日止").
pub const WINDOW_END_AFTER: &[&str] = &["止", "为止"];

/// Right before a time: an arrival or assembly time.
pub const ARRIVAL_BEFORE: &[&str] = &["集合时间", "集合"];

/// After "今天是…": the day itself is the last day.
pub const LAST_DAY: &[&str] = &["最后1天", "最后一天", "截止日", "最后期限"];

/// Right before a time: the time an ask was moved to, the deadline now.
pub const MOVED_TO: &[&str] = &[
    "改至",
    "改到",
    "延至",
    "顺延至",
    "推迟至",
    "推迟到",
    "延期至",
    "延期到",
    "调整为",
    "改为",
    "改成",
];

/// Right before a time: it is context (since, from, as of, originally),
/// not a deadline.
pub const CONTEXT_BEFORE: &[&str] = &["截至", "由", "从", "自", "覆盖", "原定", "原"];

/// Right after a time: it is context (a start, a range, a time already
/// passed, what a thing is), not a deadline.
pub const CONTEXT_AFTER: &[&str] = &[
    "起",
    "开始",
    "以来",
    "至",
    "期间",
    "已经",
    "已过",
    "过了",
    "调整为",
    "改为",
    "改成",
    "是",
    "召开的",
    "举办的",
    "上午到",
    "和",
    // A school or office calendar: "6月11日（星期二）正常上课".
    "正常上课",
    "正常上班",
    "复课",
    "开学",
    "放假",
];

/// Right before a time, punctuation aside: a secondary ask (另请…), which
/// does not replace the headline ask's deadline.
pub const SECONDARY_ASK: &[&str] = &["另请", "另外", "另", "此外", "同时请"];

/// What may follow 今天 or 今日 when it times the ask (今天下班前,
/// 今天务必); anything else names today's work (今日推文).
pub const TODAY_TIMED_BY: &[&str] = &[
    "前", "之前", "内", "下班", "上午", "下午", "晚上", "中午", "完成", "报", "交", "发", "上传",
    "提交", "截止", "务必", "必须", "开始", "起", "要", "需", "请", "把", "将", "是", "全天", "就",
    "必", "一定", "，", "。", "（",
];

/// Right after 本周 or 这周: the week names the work (本周小结, 本周值班),
/// not when it is due.
pub const WORK_AFTER_WEEK: &[&str] = &[
    "小结", "总结", "工作", "例会", "计划", "学习", "值班", "志愿",
    // What the week holds, said as a statement ("本周应该没有有限空间作业").
    "应该", "应当", "没有", "有", "已", "共", "一共", "将", "会", "安排",
];

// Is a new ask the same work as an earlier one?

/// A reminder or chaser: the message points at an earlier ask.
pub const FOLLOW_UP: &[&str] = &[
    "提醒",
    "还没",
    "还差",
    "还有",
    "没交",
    "没报",
    "没发",
    "未交",
    "未报",
    "未上传",
    "未完成",
    "未提交",
    "抓紧",
    "催",
    "最后一天",
    "别忘",
    "不变",
];

/// Asking anew for what an expired ask did not get.
pub const MAKEUP: &[&str] = &["补交", "补报", "补上", "补发", "漏报"];

/// Moving an earlier ask's time.
pub const RESCHEDULE: &[&str] = &[
    "延期", "顺延", "推迟", "改到", "改至", "调整", "提前", "改为",
];

/// Characters that end an institution's name (县应急管理局, 宣传部, 党政办…).
pub const OFFICE_SUFFIXES: &[char] = &['局', '部', '办', '委', '院', '所', '站', '府', '队', '心'];

/// Words that say two pieces of work are separate ("…和上周的是两回事", "a different return from last month's"): the ask never joins the work it sets itself apart from.
pub const SEPARATE: &[&str] = &[
    "两回事",
    "不是一回事",
    "不是同一",
    "别搞混",
    "不要搞混",
    "不要混",
    "别混",
    "分开报",
    "分开填",
    "分开交",
    // "a form of its own", "do not merge it with …": what it names is barred.
    "两张表",
    "单独一张表",
    "不要合并",
    "别合并",
    "不要合在",
];

/// Words of work that recurs each day or shift: each day's instance is its own piece of work.
pub const DAILY: &[&str] = &[
    "每天",
    "每日",
    "日报",
    "当日",
    "今日的",
    "当天的",
    "班次",
    "交班",
    "接班",
    "早班",
    "夜班",
    "晚班",
];

/// Words of work that recurs each week: each week's instance is its own.
pub const WEEKLY: &[&str] = &["每周", "周报", "本周的"];

// Task cues by phenomenon (`core::task_cues`) and 24-hour clock cues.

/// Something still outstanding, named without a request word.
pub const STILL_MISSING: &[&str] = &[
    "还没收到",
    "还没看到",
    "还没动",
    "还没回",
    "还没有",
    "没回的",
    "还没交",
    "还没报",
    "还没发",
    "还没填",
    "还差",
    "未报",
    "未交",
];

/// Being somewhere at a time: arrival, assembly, sign-in.
pub const ATTENDANCE: &[&str] = &[
    "到场",
    "报到",
    "报倒",
    "集合",
    "签到",
    "到就好",
    "出发",
    "到岗",
    "参加",
    "参会",
];

/// A meeting, drill or session that people attend.
pub const MEETINGS: &[&str] = &[
    "会议",
    "大会",
    "例会",
    "培训",
    "演练",
    "教研",
    "班前会",
    "会商",
    "预演",
];

/// A meeting moved or its time or place changed.
pub const MEETING_CHANGED: &[&str] = &["改到", "改为", "改成", "推迟到", "提前到", "调整到"];

/// The sender reports something delivered (to be checked by the reader).
pub const DELIVERY_REPORTED: &[&str] = &[
    "请查收",
    "请审核",
    "请审阅",
    "已发你",
    "已发您",
    "已发到",
    "已寄",
    "已传",
    "已回传",
    "发你邮箱了",
    "发您邮箱",
    "已于",
];

/// Standing rules of manner: how to behave, not a piece of work.
pub const STANDING_MANNER: &[&str] = &[
    "保持通讯畅通",
    "保持畅通",
    "通讯畅通",
    "24小时开机",
    "手机开机",
    "坚守岗位",
    "第一时间报告",
    "请勿",
    "注意自身安全",
    "穿长袖",
    "不得离开",
];

/// A clarification: two things are not one, something is not needed.
pub const CLARIFICATIONS: &[&str] = &[
    "不是一回事",
    "两件事",
    "不是一张表",
    "是两份",
    "不是一份",
    "请勿混报",
    "无需",
    "不需要",
];

/// Hearsay and advance notice of work not yet asked for.
pub const HEARSAY_NOTICE: &[&str] = &[
    "听说",
    "说明天起",
    "好像",
    "拟组织",
    "拟于",
    "到时候",
    "先有个准备",
    "陆续",
];

/// The sender promises to deliver to a superior (您: the reader ranks above).
pub const TO_SUPERIOR: &[&str] = &["给您", "发您", "报您", "送您"];

/// Words after which four digits are a time of day.
pub const CLOCK_24H_BEFORE: &[&str] = &[];

/// Words that make a message about shifts and days, where "by 2000" is
/// 8 p.m. rather than a year.
pub const CLOCK_24H_DAY_TALK: &[&str] = &[];

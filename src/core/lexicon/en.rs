//! The English words of the lexicon, one list per purpose (see the module
//! above for how each purpose's lists are combined across languages).
//! Texts are folded (`normalize::fold`) before they are searched, so the
//! words here are lower-case. A trailing space ("need ") keeps a word from
//! matching the start of a longer one.

// Is a message a task?

/// Replies that only acknowledge ("got it"): a message that is one of
/// these, or little more, is no ask.
pub const ACKNOWLEDGEMENTS: &[&str] = &[
    "ok",
    "okay",
    "ok!",
    "got it",
    "will do",
    "thanks",
    "thank you",
    "noted",
    "roger",
    "on it",
    "done",
    "sent",
    "yes",
    "sure",
];

/// Words that on their own make a message an ask. The first
/// [`QUESTION_ASKS`] of them also make a question a request.
pub const ASK_CUES: &[&str] = &[
    "please",
    "can you",
    "could you",
    "would you",
    "can someone",
    "could someone",
    "can anyone",
    "could anyone",
    "pls",
    "need ",
    "needs ",
    "must",
    "required",
    "reminder",
    "remind",
    "due",
    "deadline",
    "make sure",
    "still missing",
    "still need",
    "haven't",
    "hasn't",
    "if you can",
    "if you have a minute",
    "asap",
    "wants",
];

/// How many of [`ASK_CUES`], from the first, ask in question form.
const QUESTION_ASKS: usize = 8;

/// Verbs that hand something in or do something: a message with one reads
/// more like an ask.
pub const HAND_IN_VERBS: &[&str] = &[
    "submit", "send", "upload", "fill", "share", "attend", "join", "check in", "complete",
    "finish", "update", "grab", "return", "text ", "photo", "drop",
];

/// Imperative verbs: a sentence that opens with one is an ask.
pub const IMPERATIVES: &[&str] = &[
    "send",
    "submit",
    "upload",
    "fill",
    "complete",
    "share",
    "drop",
    "get ",
    "grab",
    "return",
    "bring",
    "check",
    "text ",
    "update",
    "make sure",
    "finish",
    "email",
    "call",
    "post",
    "print",
    "sign",
    "join",
    "attend",
    "arrive",
    "report",
    "confirm",
    "reply",
    "respond",
    "add ",
    "log ",
    "book",
    "order",
];

/// Thanks, praise and well-wishing: closing words, not asks.
pub const THANKS: &[&str] = &["thanks", "thank you", "great job", "well done", "smooth"];

/// The sender's own plans and promises, at the start of a message: not asks.
pub const PROMISES: &[&str] = &[
    "i'll",
    "i will",
    "we'll",
    "we will",
    "i'm going to",
    "will send",
    "will have",
];

/// Something called off: no longer an ask.
pub const CANCELLATIONS: &[&str] = &[
    "cancelled",
    "canceled",
    "is off",
    "called off",
    "no longer needed",
    "not needed",
];

/// An announcement whose details come later: not yet an ask.
pub const DETAILS_LATER: &[&str] = &[
    "details to follow",
    "more details to follow",
    "details later",
];

/// An invitation, which people may decline: not an ask.
pub const INVITATIONS: &[&str] = &[
    "welcome",
    "anyone curious",
    "if you're interested",
    "feel free to come",
    "all are welcome",
    "if anyone's interested",
    "optional:",
];

/// Words that address everyone in the group, or units in it.
pub const GROUP_ADDRESS: &[&str] = &[
    "all ",
    "everyone",
    "everybody",
    "team",
    "principals",
    "site leads",
    "nurses",
    "all staff",
    "folks",
];

/// Words that mark a date in a message as a deadline (a date alone is
/// often just when something happens).
pub const DEADLINE_MARKERS: &[&str] = &[
    "by ", "due", "before", "until", "within", "no later", "latest", "closes",
];

/// Words that address the reader: a sender's own plan beside one is still
/// part of an ask.
pub const ADDRESSING: &[&str] = &["please", "you"];

/// Words that press the reader: an invitation with one is an ask.
pub const URGING: &[&str] = &["must", "please"];

/// A question that is a request aimed at someone ("could you…?"), not a
/// question for information: the first ask cues.
pub const QUESTION_REQUESTS: &[&str] = ASK_CUES.split_at(QUESTION_ASKS).0;

// Which time is the deadline?

/// A hand-in verb in the clause after a time: the time is when to hand in.
pub const HAND_IN_DEADLINE_CUES: &[&str] = &[
    "submit", "send", "upload", "return", "get", "turn", "hand", "file", "reply", "respond",
    "enter", "finish", "complete", "fill", "share", "drop", "post", "email",
];

/// A meeting in the clause after a time: its start is the deadline.
pub const MEETING_CUES: &[&str] = &[
    "meeting", "training", "drill", "session", "webinar", "clinic", "starts", "begins",
];

/// Who a time is quoted from when it is upstream's, not the sender's.
pub const UPSTREAM: &[&str] = &["needs it", "wants it", "want it"];

/// In the clause before a time: a party that comes to the readers.
pub const VISITORS: &[&str] = &[
    "inspector",
    "assessor",
    "auditor",
    "inspection team",
    "visitor",
    "surveyor",
    "ofsted team",
];

/// Before a time in its phrase: the readers hand something in ("send me
/// the findings by Fri"); English puts the verb first.
pub const HAND_IN_BEFORE_TIME: &[&str] = &[
    "send",
    "submit",
    "return",
    "email",
    "e-mail",
    "upload",
    "hand in",
    "hand over",
    "drop off",
    "forward",
    "get it",
    "get them",
    "get this",
    "get these",
    "get those",
];

/// Right after a time: it is a deadline ("5pm before the meeting").
pub const DEADLINE_AFTER: &[&str] = &[
    "before",
    "cut-off",
    "cutoff",
    "cut off",
    "deadline",
    "latest",
    "hard stop",
    "is the deadline",
    "is the cut-off",
    "is the cutoff",
    "is the hard stop",
    "is the latest",
];

/// Right before a time: it is a deadline ("by", "no later than").
pub const DEADLINE_BEFORE: &[&str] = &[
    "by",
    "before",
    "due",
    "until",
    "till",
    "no later than",
    "deadline:",
    "deadline",
    "closes",
    "close",
    "due by",
    "due on",
];

/// Right after a time: an arrival or sign-in, which replaces the event's
/// start as the deadline.
pub const ARRIVAL_AFTER: &[&str] = &["arrive", "check in"];

/// Right before a time: the end of a window left open until then.
pub const WINDOW_END_BEFORE: &[&str] = &["open until", "open till", "open through", "open to"];

/// Right before a time: an arrival time.
pub const ARRIVAL_BEFORE: &[&str] = &[
    "arrive by",
    "arrive at",
    "be there by",
    "check in by",
    "meet",
    "meet at",
    "muster at",
    "muster by",
];

/// After "today is…": the day itself is the last day.
pub const LAST_DAY: &[&str] = &["last day"];

/// Right before a time: the time an ask was moved to, the deadline now.
pub const MOVED_TO: &[&str] = &["moved to", "pushed to", "extended to", "now"];

/// Right before a time: it is context (since, from, as of, instead of),
/// not a deadline.
pub const CONTEXT_BEFORE: &[&str] = &[
    "as of",
    "since",
    "from",
    "moved from",
    "covering",
    "instead of",
    "not",
];

/// Right after a time: it is context (a start, a range, what a thing is),
/// not a deadline.
pub const CONTEXT_AFTER: &[&str] = &["'s", "onwards", "on,", "through", "to "];

/// Right before a time, punctuation aside: a secondary ask ("also…"),
/// which does not replace the headline ask's deadline.
pub const SECONDARY_ASK: &[&str] = &["also", "separately", "in addition", "additionally"];

/// After "by 3": words that make the number an hour ("by 3 today", "by 5
/// sharp"); any other word makes it a count ("by 3 schools").
pub const HOUR_AFTER_BY: &[&str] = &[
    "today", "tomorrow", "please", "pls", "on", "this", "tonight", "so", "and", "if", "at",
    "latest", "sharp", "o'clock", "oclock", "ish", "in", "tmrw", "tmr", "with", "then", "or",
];

/// An event a time is the start of, named between the time and its day
/// ("before 0700 huddle tomorrow").
pub const EVENT_NOUNS: &[&str] = &[
    "huddle",
    "meeting",
    "call",
    "briefing",
    "handover",
    "session",
    "shift",
    "round",
    "rounds",
    "training",
    "drill",
    "visit",
    "inspection",
    "review",
    "standup",
    "stand-up",
    "catch-up",
    "appointment",
    "class",
    "lesson",
    "webinar",
    "walkround",
    "walkabout",
    "muster",
    "parade",
];

// Is a new ask the same work as an earlier one?

/// A reminder or chaser: the message points at an earlier ask.
pub const FOLLOW_UP: &[&str] = &[
    "reminder",
    "still",
    "missing",
    "haven't",
    "not yet",
    "last call",
];

/// Asking anew for what an expired ask did not get.
pub const MAKEUP: &[&str] = &["make up", "missed"];

/// Moving an earlier ask's time.
pub const RESCHEDULE: &[&str] = &[
    "moved",
    "extended",
    "postponed",
    "pushed",
    "rescheduled",
    "now due",
];

/// Words that say two pieces of work are separate ("…和上周的是两回事", "a different return from last month's"): the ask never joins the work it sets itself apart from.
pub const SEPARATE: &[&str] = &[
    "different return",
    "different report",
    "different form",
    "different one",
    "separate form",
    "separate return",
    "separate report",
    "separate from",
    "not the same as",
    "not the same one",
    "don't mix",
    "do not mix",
    "not to be confused",
    // "No, separate.", "they're separate", "that one is separate".
    "no, separate",
    "no - separate",
    "is separate",
    "are separate",
    "'s separate",
    "'re separate",
];

/// Words of work that recurs each day or shift: each day's instance is its own piece of work.
pub const DAILY: &[&str] = &[
    "daily",
    "each day",
    "every day",
    "today's",
    "tonight's",
    "shift",
    "handover",
];

/// Words of work that recurs each week: each week's instance is its own.
pub const WEEKLY: &[&str] = &["weekly", "each week", "every week", "this week's"];

// Task cues by phenomenon (`core::task_cues`) and 24-hour clock cues.

/// Something still outstanding, named without a request word.
pub const STILL_MISSING: &[&str] = &[
    "still open",
    "still outstanding",
    "not in yet",
    "not received",
    "still need",
    "still waiting",
    "yet to ",
];

/// Being somewhere at a time: arrival, assembly, sign-in.
pub const ATTENDANCE: &[&str] = &[
    "be at ",
    "be there",
    "be on ",
    "meet at",
    "meet ",
    "arrive",
    "sign the sheet",
    "sign in",
    "report to",
    "attend",
    "stay for",
];

/// A meeting, drill or session that people attend.
pub const MEETINGS: &[&str] = &[
    "meeting",
    "conference",
    "huddle",
    "drill",
    "training",
    "briefing",
    "toolbox talk",
    "mock code",
    "check-off",
    "dmt",
    "session",
];

/// A meeting moved or its time or place changed.
pub const MEETING_CHANGED: &[&str] = &["moved to", "moved", "now ", "changed to", "rescheduled"];

/// The sender reports something delivered (to be checked by the reader).
pub const DELIVERY_REPORTED: &[&str] = &[
    "in your inbox",
    "attached for",
    "are in the template",
    "is in the shared",
    "are in the shared",
];

/// Standing rules of manner: how to behave, not a piece of work.
pub const STANDING_MANNER: &[&str] = &["keep your phones on", "keep phones on"];

/// A clarification: two things are not one, something is not needed.
pub const CLARIFICATIONS: &[&str] = &["no, separate", "not the same"];

/// Hearsay and advance notice of work not yet asked for.
pub const HEARSAY_NOTICE: &[&str] = &[
    "heads up: the",
    "goes live",
    "i'll post when",
    "if anyone wants",
];

/// The sender promises to deliver to a superior (您: the reader ranks above).
pub const TO_SUPERIOR: &[&str] = &[];

/// Words after which four digits are a time of day.
pub const CLOCK_24H_BEFORE: &[&str] = &[
    "by", "at", "before", "until", "till", "til", "from", "after", "around", "arrive", "arrival",
    "report", "due", "start", "starts", "starting", "begins", "meet", "there", "now", "today",
    "tonight", "tomorrow", "tmrw", "tmw", "tmr", "noon", "then", "latest",
];

/// Words that make a message about shifts and days, where "by 2000" is
/// 8 p.m. rather than a year.
pub const CLOCK_24H_DAY_TALK: &[&str] = &[
    "today",
    "tonight",
    "tomorrow",
    "tmrw",
    "shift",
    "morning",
    "afternoon",
    "evening",
    "night",
];

/// Words that take an of-phrase as a share of something ("all of your
/// training"), not as what a thing is made of ("a list of the jobs").
pub const QUANTIFIERS: &[&str] = &[
    "all", "each", "any", "some", "both", "none", "most", "one", "either", "neither", "rest",
    "many", "few", "every", "part",
];

/// Words that put a verb between an of-phrase and a time after it ("a list
/// of the jobs you need to finish this week"): the time is then the verb's.
pub const VERB_LINKS: &[&str] = &[
    " to ", " by ", " before ", " until ", " due ", " need", " must ", " should ", " will ",
    " have ", " can ", " could ", " would ", "'ll ",
];

/// A clause telling what has happened (perfect or past): a week named in it
/// is when things happened, not when work is due.
pub const PAST_TELLING: &[&str] = &[
    "i've had",
    "we've had",
    "i have had",
    "we have had",
    "has had",
    "there have been",
    "there has been",
    "there were",
    "there was",
    "i had ",
    "we had ",
];

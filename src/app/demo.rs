//! The demo's part of the model: which queue it opens on, the `c` key
//! that stalls and resumes its consumer, and what it says when its
//! workers end or go on without an object they shared. Only `ipctop demo` has one ([`App::demo`]); the monitor
//! alone never shows any of it.
//!
//! Like the rest of the model it does no I/O: `c` becomes an
//! [`Effect::Demo`](super::Effect::Demo) order, and the workload's answers and news come back
//! as [`Event::Demo`](super::Event::Demo) reports.

use ratatui::crossterm::event::KeyEvent;

use super::{App, Effect, Status};
use crate::keymap::{self, Action, Context};
use crate::model::Snapshot;

/// One of the demo's worker processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worker {
    /// Sends orders to the busy queue.
    Producer,
    /// Takes orders from it.
    Consumer,
}

impl Worker {
    /// `producer`, `consumer`.
    pub fn name(self) -> &'static str {
        match self {
            Worker::Producer => "producer",
            Worker::Consumer => "consumer",
        }
    }
}

/// One of the objects the demo's workers share besides the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// The shared-memory segment they keep their counts in.
    Segment,
    /// The semaphore set they synchronise on.
    Set,
}

impl Tool {
    /// `stats segment`, `semaphore set`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Segment => "stats segment",
            Tool::Set => "semaphore set",
        }
    }
}

/// How a worker ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Its queue was removed (the only way a worker ends by itself).
    QueueRemoved,
    /// Anything else, in words (`exit status 1`, `killed by SIGKILL`).
    Other(String),
}

/// What the model asks of the demo's workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Stop the consumer (SIGSTOP).
    StallConsumer,
    /// Let it go on (SIGCONT).
    ResumeConsumer,
}

/// What the demo's workload reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The consumer is now stalled, or running again.
    Consumer {
        /// Stopped.
        stalled: bool,
    },
    /// An order could not be carried out: why, in words.
    Refused(String),
    /// A worker ended (and was reaped).
    Ended(Worker, Ending),
    /// A worker found a [`Tool`] removed and goes on without it.
    Lost(Worker, Tool),
}

/// The demo's state in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    /// The msqid of the busy queue, selected when it first shows.
    pub busy_queue: i32,
    /// The busy queue has not been selected yet.
    select_pending: bool,
    /// The consumer is stopped by `c`.
    pub stalled: bool,
    /// The workers that ended, in order, and how.
    pub ended: Vec<(Worker, Ending)>,
    /// The tools workers went on without, in the order they said so.
    pub lost: Vec<(Worker, Tool)>,
    /// What the demo said last about its workers, while the status still
    /// shows it.
    news: Option<String>,
}

impl Demo {
    /// A demo whose busy queue is `busy_queue`, its workers running.
    pub fn new(busy_queue: i32) -> Self {
        Self {
            busy_queue,
            select_pending: true,
            stalled: false,
            ended: Vec::new(),
            lost: Vec::new(),
            news: None,
        }
    }

    /// Is `worker` still running?
    pub fn running(&self, worker: Worker) -> bool {
        !self.ended.iter().any(|(w, _)| *w == worker)
    }

    /// The footer's hint for `c`, while there is a consumer to stall.
    pub fn footer_hint(&self) -> Option<&'static str> {
        match (self.running(Worker::Consumer), self.stalled) {
            (false, _) => None,
            (true, false) => Some("c stall consumer"),
            (true, true) => Some("c resume consumer"),
        }
    }

    /// What the demo says about its workers' endings and losses:
    /// `demo: producer and consumer stopped: their queue was removed`,
    /// `demo: consumer goes on without its stats segment (removed)`.
    fn news(&self) -> String {
        let removed = self.workers_that(|w| self.ended.contains(&(w, Ending::QueueRemoved)));
        let mut said: Vec<String> = together(
            &removed,
            ("stopped:", "stopped:"),
            "its queue was removed",
            "their queue was removed",
        )
        .into_iter()
        .collect();
        said.extend(self.ended.iter().filter_map(|(w, how)| match how {
            Ending::QueueRemoved => None,
            Ending::Other(why) => Some(format!("{} ended ({why})", w.name())),
        }));
        // Tools lost by the same workers are told together.
        let mut losses: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
        for tool in [Tool::Segment, Tool::Set] {
            let without = self.workers_that(|w| self.lost.contains(&(w, tool)));
            match losses.iter_mut().find(|(workers, _)| *workers == without) {
                Some((_, tools)) => tools.push(tool.name()),
                None => losses.push((without, vec![tool.name()])),
            }
        }
        for (workers, tools) in losses {
            let tools = tools.join(" and ");
            let (its, their) = (
                format!("its {tools} (removed)"),
                format!("their {tools} (removed)"),
            );
            said.extend(together(
                &workers,
                ("goes on without", "go on without"),
                &its,
                &their,
            ));
        }
        format!("demo: {}", said.join("; "))
    }

    /// The workers for which `pred` holds, producer first.
    fn workers_that(&self, pred: impl Fn(Worker) -> bool) -> Vec<&'static str> {
        [Worker::Producer, Worker::Consumer]
            .into_iter()
            .filter(|w| pred(*w))
            .map(Worker::name)
            .collect()
    }
}

/// `workers` doing `verb` (one's and many's form) with `one` or `many`
/// after it: `consumer goes on without its segment`, `producer and
/// consumer go on without their segment`; nothing when there are none.
fn together(
    workers: &[&str],
    (verb_one, verb_many): (&str, &str),
    one: &str,
    many: &str,
) -> Option<String> {
    match workers {
        [] => None,
        [single] => Some(format!("{single} {verb_one} {one}")),
        several => Some(format!("{} {verb_many} {many}", several.join(" and "))),
    }
}

/// What the empty queue table suggests running to see something, if
/// anything: never the demo from inside it; through cargo (`cargo run`
/// sets `CARGO` and `CARGO_MANIFEST_DIR` for the program it runs) the
/// command that works in a source tree. `set` says whether an environment
/// variable is set.
pub fn suggestion(in_demo: bool, set: impl Fn(&str) -> bool) -> Option<&'static str> {
    if in_demo {
        None
    } else if set("CARGO_MANIFEST_DIR") || set("CARGO") {
        Some("cargo run --release -- demo")
    } else {
        Some("ipctop demo")
    }
}

impl App {
    /// Before the rows are rebuilt from `snap`: the demo opens on its busy
    /// queue, once that is in a snapshot.
    pub(super) fn demo_snapshot(&mut self, snap: &Snapshot) {
        let Some(demo) = &mut self.demo else {
            return;
        };
        if demo.select_pending && snap.msg.queues.iter().any(|q| q.id == demo.busy_queue) {
            self.queues.selected = Some(snap.msg_object(demo.busy_queue));
            demo.select_pending = false;
        }
    }

    /// A key on the queue table that only the demo binds (`c`); `None`
    /// when it is not one.
    pub(super) fn demo_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let demo = self.demo.as_ref()?;
        if self.context() != Context::Browse {
            return None;
        }
        match keymap::demo_action(key)? {
            Action::StallConsumer if !demo.running(Worker::Consumer) => {
                self.status = Some(Status::info(
                    "demo: the consumer has ended; nothing to stall".to_owned(),
                ));
                Some(Vec::new())
            }
            Action::StallConsumer => Some(vec![Effect::Demo(if demo.stalled {
                Order::ResumeConsumer
            } else {
                Order::StallConsumer
            })]),
            _ => None,
        }
    }

    /// The demo's workload reported `report`.
    pub(super) fn on_demo_report(&mut self, report: Report) {
        let Some(demo) = &mut self.demo else {
            return;
        };
        let status = match report {
            Report::Consumer { stalled } => {
                demo.stalled = stalled;
                Status::info(
                    if stalled {
                        "consumer stalled (SIGSTOP): the queue fills up; c resumes it"
                    } else {
                        "consumer resumed (SIGCONT)"
                    }
                    .to_owned(),
                )
            }
            Report::Refused(why) => Status::error(format!("demo: {why}")),
            Report::Ended(worker, how) => {
                if worker == Worker::Consumer {
                    demo.stalled = false;
                }
                demo.ended.push((worker, how));
                Self::news_status(demo, self.status.take())
            }
            Report::Lost(worker, tool) => {
                demo.lost.push((worker, tool));
                Self::news_status(demo, self.status.take())
            }
        };
        self.status = Some(status);
    }

    /// The status that tells `demo`'s news, which has just changed, in
    /// place of the `shown` one. A removal's outcome may be on screen (it
    /// races the workers' news): that is kept, with the news after it in
    /// place of the older news.
    fn news_status(demo: &mut Demo, shown: Option<Status>) -> Status {
        let news = demo.news();
        let earlier = shown.and_then(|s| {
            let text = match &demo.news {
                Some(old) => s.text.strip_suffix(old.as_str()).unwrap_or(&s.text),
                None => &s.text,
            };
            let text = text.strip_suffix(" · ").unwrap_or(text);
            (!text.is_empty()).then(|| Status {
                text: text.to_owned(),
                ..s
            })
        });
        demo.news = Some(news.clone());
        match earlier {
            Some(s) => Status::new(format!("{} · {news}", s.text), s.error),
            None => Status::info(news),
        }
    }

    /// `status` (a removal's outcome) with the demo's news after it, if
    /// the news is still on screen: the news may come first.
    pub(super) fn with_demo_news(&self, status: Status) -> Status {
        let shown = self.status.as_ref().map(|s| s.text.as_str());
        match self.demo.as_ref().and_then(|d| d.news.as_deref()) {
            Some(news) if shown.is_some_and(|s| s.ends_with(news)) => Status {
                text: format!("{} · {news}", status.text),
                ..status
            },
            _ => status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_of_the_same_workers_are_told_together() {
        let mut demo = Demo::new(0);
        demo.lost.push((Worker::Producer, Tool::Segment));
        assert_eq!(
            demo.news(),
            "demo: producer goes on without its stats segment (removed)"
        );
        demo.lost.push((Worker::Consumer, Tool::Segment));
        demo.lost.push((Worker::Consumer, Tool::Set));
        assert_eq!(
            demo.news(),
            "demo: producer and consumer go on without their stats segment (removed); consumer goes on without its semaphore set (removed)"
        );
        demo.lost.push((Worker::Producer, Tool::Set));
        assert_eq!(
            demo.news(),
            "demo: producer and consumer go on without their stats segment and semaphore set (removed)"
        );
    }

    #[test]
    fn the_empty_table_suggests_the_demo_only_outside_it_and_as_cargo_runs_it() {
        let none = |_: &str| false;
        assert_eq!(suggestion(false, none), Some("ipctop demo"));
        assert_eq!(suggestion(true, none), None);
        for var in ["CARGO", "CARGO_MANIFEST_DIR"] {
            let cargo = |v: &str| v == var;
            assert_eq!(
                suggestion(false, cargo),
                Some("cargo run --release -- demo"),
                "{var}"
            );
            assert_eq!(suggestion(true, cargo), None, "{var}");
        }
    }

    #[test]
    fn endings_are_told_together() {
        let mut demo = Demo::new(0);
        demo.ended.push((Worker::Consumer, Ending::QueueRemoved));
        assert_eq!(demo.news(), "demo: consumer stopped: its queue was removed");
        demo.ended.push((Worker::Producer, Ending::QueueRemoved));
        assert_eq!(
            demo.news(),
            "demo: producer and consumer stopped: their queue was removed"
        );
        let mut failed = Demo::new(0);
        failed
            .ended
            .push((Worker::Producer, Ending::Other("exit status 1".to_owned())));
        assert_eq!(failed.news(), "demo: producer ended (exit status 1)");
        assert_eq!(failed.footer_hint(), Some("c stall consumer"));
        failed.lost.push((Worker::Consumer, Tool::Set));
        assert_eq!(
            failed.news(),
            "demo: producer ended (exit status 1); consumer goes on without its semaphore set (removed)"
        );
        assert_eq!(demo.footer_hint(), None, "no consumer left");
    }
}

-------------------------------- MODULE Raft --------------------------------
(***************************************************************************)
(* The `raft` model of raftcheck, in TLA+.                                 *)
(*                                                                         *)
(* This module is the TLA+ rendering of the model that spec/actions.cpp    *)
(* explores when Params::variant == Variant::kRaft, that is of             *)
(*                                                                         *)
(*     raftcheck explore --model raft                                      *)
(*                                                                         *)
(* It is the protocol that raft/ implements: the elections of Diego        *)
(* Ongaro's raft.tla (the `raft-tla` model), with the log replication of   *)
(* Figure 2 and of the MIT 6.824 labs instead of raft.tla's one entry at   *)
(* a time:                                                                 *)
(*   - an AppendEntries request carries every entry from nextIndex on (an  *)
(*     empty one is a heartbeat);                                          *)
(*   - a follower checks, truncates only at a real conflict, appends and   *)
(*     acknowledges in one step, and never moves commitIndex back;         *)
(*   - a rejection carries the fast-backup hints XTerm, XIndex and XLen,   *)
(*     and the leader moves nextIndex back a whole term at a time;         *)
(*   - a success reply only ever moves matchIndex and nextIndex forward;   *)
(*   - with MaxSnapshots > 0, snapshots: a server compacts a committed     *)
(*     prefix of its log (CompactLog), and a leader that can no longer     *)
(*     send the entry before nextIndex sends its snapshot instead          *)
(*     (InstallSnapshot). With MaxSnapshots = 0 nothing of it is enabled   *)
(*     and the state space is the one without snapshots.                   *)
(*                                                                         *)
(* Variables, actions and invariants have the names the C++ code gives     *)
(* them, so that a counterexample printed by raftcheck reads the same as   *)
(* one printed by TLC. Server i of the C++ spec (0-based) is the model     *)
(* value s<i+1> here (s1, s2, ...), and client value k is vk (v1, v2 ...). *)
(*                                                                         *)
(* Running it with TLC, from this folder:                                  *)
(*                                                                         *)
(*     java -cp tla2tools.jar tlc2.TLC -config Raft.cfg Raft.tla           *)
(*                                                                         *)
(* (add -workers auto for all cores). Raft.cfg assigns the constants       *)
(* directly (model values s1 s2 s3 and v1), so no separate MC module is    *)
(* needed; to try other bounds, edit the numbers there. With Raft.cfg's    *)
(* bounds, `raftcheck explore --model raft --servers 3 --values 1          *)
(* --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1` reports           *)
(* 2,379,781 distinct states and 28,169,044 generated ones; since the two  *)
(* describe the same state graph, TLC should report the same numbers.      *)
(* (Under these small bounds `raft` and `raft-tla` happen to count alike;  *)
(* Raft.cfg says which bounds tell them apart.) TLC is not part of this    *)
(* repository's build: tests/spec_tla_module_test.cpp only checks that the *)
(* module names every action and invariant of the C++ code.                *)
(*                                                                         *)
(* Which C++ function each action renders (all in spec/actions.cpp):       *)
(*                                                                         *)
(*   Restart(i)                     restart                                *)
(*   Timeout(i)                     timeout                                *)
(*   RequestVote(i, j)              request_vote                           *)
(*   BecomeLeader(i)                become_leader                          *)
(*   ClientRequest(i, v)            client_request                         *)
(*   AdvanceCommitIndex(i)          advance_commit_index                   *)
(*   AppendEntries(i, j)            append_entries                         *)
(*   CompactLog(i, k)               compact_log                            *)
(*   InstallSnapshot(i, j)          install_snapshot                       *)
(*   Receive(m)                     receive (dispatch only, not a label)   *)
(*   UpdateTerm(i, j, m)            update_term                            *)
(*   HandleRequestVoteRequest       handle_request_vote_request            *)
(*   HandleRequestVoteResponse      handle_request_vote_response           *)
(*   DropStaleResponse              drop_stale_response                    *)
(*   HandleAppendEntriesRequest     handle_append_entries_request_raft     *)
(*   HandleAppendEntriesResponse    handle_append_entries_response_raft    *)
(*   HandleInstallSnapshotRequest   handle_install_snapshot_request        *)
(*   HandleInstallSnapshotResponse  handle_install_snapshot_response       *)
(*   DuplicateMessage(m)            duplicate_message                      *)
(*   DropMessage(m)                 drop_message                           *)
(*   Init                           init                                   *)
(*   Next                           next                                   *)
(*   WithinBounds                   within_bounds (TLC's CONSTRAINT)       *)
(*                                                                         *)
(* The invariants are those of spec/invariants.cpp, under the same names;  *)
(* LeaderAppendOnly and CommitMonotonic are step properties there and      *)
(* actions here, checked as the temporal properties LeaderAppendOnlyProperty *)
(* and CommitMonotonicProperty.                                            *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets, Bags, TLC

CONSTANTS
    Server,       \* the servers: a set of model values
    Value,        \* what clients ask to append: a set of model values
    Nil,          \* a model value that is no server ("has not voted")
    MaxTerm,      \* the bounds of the state constraint WithinBounds,
    MaxLogLength, \* as raftcheck's --max-term, --max-log,
    MaxCopies,    \* --max-copies (one message's count in the bag)
    MaxMessages,  \* and --max-msgs (all counts of the bag added up);
    MaxSnapshots  \* --max-snapshots: CompactLog steps in a behaviour, all told

ASSUME /\ Nil \notin Server
       /\ \A n \in {MaxTerm, MaxLogLength, MaxCopies, MaxMessages, MaxSnapshots} : n \in Nat

(***************************************************************************)
(* Roles and message kinds. Strings rather than constants: they need no    *)
(* assignment in the .cfg and print readably in a trace.                   *)
(***************************************************************************)
Follower  == "Follower"
Candidate == "Candidate"
Leader    == "Leader"

RequestVoteRequest    == "RequestVoteRequest"
RequestVoteResponse   == "RequestVoteResponse"
AppendEntriesRequest  == "AppendEntriesRequest"
AppendEntriesResponse == "AppendEntriesResponse"
InstallSnapshotRequest  == "InstallSnapshotRequest"
InstallSnapshotResponse == "InstallSnapshotResponse"

(***************************************************************************)
(* The variables, as struct Server and struct State of spec/state.hpp hold *)
(* them. Everything a server keeps is a function of the server.            *)
(***************************************************************************)
VARIABLES
    currentTerm,    \* the latest term a server has seen
    state,          \* Follower, Candidate or Leader
    votedFor,       \* whom it voted for in currentTerm, or Nil
    log,            \* a sequence of [term |-> t, value |-> v] records
    commitIndex,    \* the highest index it knows to be committed
    snapshotIndex,  \* the last index its snapshot covers: log entries up to here
                    \* are compacted (log keeps them, since they are the
                    \* snapshot's data, but only snapshots read them)
    snapshotsTaken, \* history: CompactLog steps so far, bounded by MaxSnapshots
    votesResponded, \* a candidate's: the servers that answered its RequestVote
    votesGranted,   \* a candidate's: the servers that voted for it
    voterLog,       \* history: voter -> the log it had when it voted for this candidate
    nextIndex,      \* a leader's: the next index to send to each server
    matchIndex,     \* a leader's: the highest index known replicated on each server
    messages,       \* the network: a bag, message -> count (count >= 1)
    elections,      \* history: a record for every election ever won
    allLogs         \* history: every log any server has ever had

\* The history variables (voterLog, elections, allLogs, and the mlog fields
\* of messages) are never read by a guard. They are kept because the C++
\* state keeps them: without them TLC would count fewer states than
\* raftcheck, and the two could not be compared number for number.

termVars  == <<currentTerm, state, votedFor>>
voteVars  == <<votesResponded, votesGranted, voterLog>>
snapVars  == <<snapshotIndex, snapshotsTaken>>
logVars   == <<log, commitIndex, snapVars>>
indexVars == <<nextIndex, matchIndex>>

vars == <<currentTerm, state, votedFor, log, commitIndex, snapshotIndex,
          snapshotsTaken, votesResponded, votesGranted, voterLog, nextIndex,
          matchIndex, messages, elections, allLogs>>

(***************************************************************************)
(* Arithmetic and sequence helpers.                                        *)
(***************************************************************************)
Max(a, b) == IF a >= b THEN a ELSE b
Min(a, b) == IF a <= b THEN a ELSE b

\* The largest / smallest member of a non-empty finite set of naturals.
MaxOf(S) == CHOOSE x \in S : \A y \in S : y <= x
MinOf(S) == CHOOSE x \in S : \A y \in S : x <= y

\* A strict majority of the servers (Params::servers in the C++ code).
IsQuorum(S) == Cardinality(S) * 2 > Cardinality(Server)

\* The term of entry k of lg, and 0 where lg has no entry k. The C++ Log
\* reads 0 beyond its length in the same way; it matters only for
\* AppendEntries, which never looks past a leader's log in reachable
\* states, but it keeps that action total.
TermAt(lg, k) == IF k \in 1..Len(lg) THEN lg[k].term ELSE 0

LastTerm(lg) == TermAt(lg, Len(lg))

IsPrefix(s, t) == /\ Len(s) <= Len(t)
                  /\ SubSeq(t, 1, Len(s)) = s

\* The first index of the run of entries of lg[k].term that ends at index k:
\* one past the last earlier entry of another term. It is the C++ loop that
\* walks back from k while the previous entry has the same term.
RunStart(lg, k) == 1 + MaxOf({0} \cup {q \in 1..k : lg[q].term # lg[k].term})

\* An empty function: the voterLog of a server that has collected no votes.
NoVoterLogs == [j \in {} |-> << >>]

(***************************************************************************)
(* The network: a bag of messages (Bags' representation: a function from   *)
(* message to a positive count). Sending adds one copy; receiving or       *)
(* dropping takes one away, and a message whose count would reach zero     *)
(* leaves the domain altogether, as bag_remove in spec/state.cpp does. (A  *)
(* zero count left in the domain would tell apart two networks with the    *)
(* same messages in flight, and so change the state count.)                *)
(***************************************************************************)
BagAdd(bag, m) ==
    IF m \in DOMAIN bag THEN [bag EXCEPT ![m] = @ + 1]
                        ELSE bag @@ (m :> 1)

BagRemove(bag, m) ==
    IF m \notin DOMAIN bag THEN bag
    ELSE IF bag[m] = 1 THEN [x \in DOMAIN bag \ {m} |-> bag[x]]
    ELSE [bag EXCEPT ![m] = @ - 1]

\* Answer a request: the response joins the bag and the request leaves it,
\* in that order (as reply() in actions.cpp).
Reply(bag, response, request) == BagRemove(BagAdd(bag, response), request)

(***************************************************************************)
(* Messages are records with an mtype field; each kind has its own fixed   *)
(* set of fields. The C++ Message packs them into f1..f4 and leaves unused *)
(* fields 0 so that equal messages are equal bytes; here every kind always *)
(* has all of its fields, and an AppendEntriesResponse sets the ones that  *)
(* do not apply to it to 0 (mmatchIndex on a rejection, the three hints on *)
(* a success), for the same reason: two equal replies must be one bag key. *)
(***************************************************************************)
AppendEntriesReply(i, j, success, matchIdx, xTerm, xIndex, xLen) ==
    [mtype       |-> AppendEntriesResponse,
     mterm       |-> currentTerm[i],
     msuccess    |-> success,
     mmatchIndex |-> matchIdx,
     mxTerm      |-> xTerm,    \* the follower's term at mprevLogIndex, 0 if none
     mxIndex     |-> xIndex,   \* its first index of that term, 0 if none
     mxLen       |-> xLen,     \* its log length (it is 0 on a success)
     msource     |-> i,
     mdest       |-> j]

\* The answer to an InstallSnapshot request: the index the snapshot covers
\* (0 in the answer to a stale request, which only carries i's term).
InstallSnapshotReply(i, j, matchIdx) ==
    [mtype       |-> InstallSnapshotResponse,
     mterm       |-> currentTerm[i],
     mmatchIndex |-> matchIdx,
     msource     |-> i,
     mdest       |-> j]

(***************************************************************************)
(* The initial state (init in actions.cpp): every server a follower of     *)
(* term 1 with an empty log, nothing in flight, no history.                *)
(***************************************************************************)
Init ==
    /\ currentTerm    = [i \in Server |-> 1]
    /\ state          = [i \in Server |-> Follower]
    /\ votedFor       = [i \in Server |-> Nil]
    /\ log            = [i \in Server |-> << >>]
    /\ commitIndex    = [i \in Server |-> 0]
    /\ snapshotIndex  = [i \in Server |-> 0]
    /\ snapshotsTaken = 0
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ voterLog       = [i \in Server |-> NoVoterLogs]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ messages       = [m \in {} |-> 0]
    /\ elections      = {}
    /\ allLogs        = {}

(***************************************************************************)
(* Server actions. Each action below fixes the next value of every         *)
(* variable except allLogs, which Next updates for all of them at once.    *)
(***************************************************************************)

\* Server i crashes and restarts. What Raft keeps on stable storage
\* (currentTerm, votedFor, log, the snapshot) survives; the rest is volatile
\* and starts over. commitIndex starts from the snapshot, which the state
\* machine is restored from; the rest it learns again from a leader.
Restart(i) ==
    /\ state'          = [state EXCEPT ![i] = Follower]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ voterLog'       = [voterLog EXCEPT ![i] = NoVoterLogs]
    /\ nextIndex'      = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = snapshotIndex[i]]
    /\ UNCHANGED <<currentTerm, votedFor, log, snapVars, messages, elections>>

\* Server i hears from no leader and starts an election in a new term. It
\* does not vote for itself here: it sends itself a RequestVote like
\* everyone else (RequestVote allows j = i), so its own vote is one more
\* message the network may delay, duplicate or lose.
Timeout(i) ==
    /\ state[i] \in {Follower, Candidate}
    /\ state'          = [state EXCEPT ![i] = Candidate]
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = @ + 1]
    /\ votedFor'       = [votedFor EXCEPT ![i] = Nil]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ voterLog'       = [voterLog EXCEPT ![i] = NoVoterLogs]
    /\ UNCHANGED <<logVars, indexVars, messages, elections>>

\* Candidate i asks server j (possibly itself) for its vote. It may ask
\* again and again (requests get lost) until j's answer has arrived.
RequestVote(i, j) ==
    /\ state[i] = Candidate
    /\ j \notin votesResponded[i]
    /\ messages' = BagAdd(messages,
                          [mtype         |-> RequestVoteRequest,
                           mterm         |-> currentTerm[i],
                           mlastLogTerm  |-> LastTerm(log[i]),
                           mlastLogIndex |-> Len(log[i]),
                           msource       |-> i,
                           mdest         |-> j])
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

\* Candidate i has the votes of a majority and becomes leader. nextIndex
\* starts just past its own log (optimistic: it will back up on
\* rejections), matchIndex at 0. The election is recorded in the history.
BecomeLeader(i) ==
    /\ state[i] = Candidate
    /\ IsQuorum(votesGranted[i])
    /\ state'      = [state EXCEPT ![i] = Leader]
    /\ nextIndex'  = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ elections'  = elections \cup
                         {[eterm     |-> currentTerm[i],
                           eleader   |-> i,
                           elog      |-> log[i],
                           evotes    |-> votesGranted[i],
                           evoterLog |-> voterLog[i]]}
    /\ UNCHANGED <<currentTerm, votedFor, logVars, voteVars, messages>>

\* Leader i accepts value v from a client and appends it to its own log.
ClientRequest(i, v) ==
    /\ state[i] = Leader
    /\ log' = [log EXCEPT ![i] = Append(@, [term |-> currentTerm[i], value |-> v])]
    /\ UNCHANGED <<termVars, commitIndex, snapVars, voteVars, indexVars, messages, elections>>

\* Leader i commits the highest index that a majority (itself always
\* included) has, provided that entry is of i's current term: entries of
\* earlier terms are committed only indirectly (the Figure 8 rule). In this
\* model commitIndex only moves forward. The action is enabled for every
\* leader even when nothing changes, as in the C++ code, where it then
\* emits a successor equal to the current state (but for allLogs).
AdvanceCommitIndex(i) ==
    /\ state[i] = Leader
    /\ LET Agree(index) == {i} \cup {k \in Server : matchIndex[i][k] >= index}
           agreeIndexes == {index \in 1..Len(log[i]) : IsQuorum(Agree(index))}
           newCommitIndex ==
               IF /\ agreeIndexes # {}
                  /\ log[i][MaxOf(agreeIndexes)].term = currentTerm[i]
                  /\ MaxOf(agreeIndexes) > commitIndex[i]
               THEN MaxOf(agreeIndexes)
               ELSE commitIndex[i]
       IN commitIndex' = [commitIndex EXCEPT ![i] = newCommitIndex]
    /\ UNCHANGED <<termVars, log, snapVars, voteVars, indexVars, messages, elections>>

\* Leader i sends server j everything from nextIndex[i][j] on, with the
\* index and term of the entry just before it for the consistency check and
\* its full commitIndex (the follower caps it by what it has). With nothing
\* to send the request is a heartbeat. mlog is history only. The entry before
\* nextIndex must not be compacted (else InstallSnapshot).
AppendEntries(i, j) ==
    /\ i # j
    /\ state[i] = Leader
    /\ nextIndex[i][j] - 1 >= snapshotIndex[i]
    /\ LET ni == nextIndex[i][j]
       IN messages' = BagAdd(messages,
                             [mtype         |-> AppendEntriesRequest,
                              mterm         |-> currentTerm[i],
                              mprevLogIndex |-> ni - 1,
                              mprevLogTerm  |-> TermAt(log[i], ni - 1),
                              mentries      |-> SubSeq(log[i], ni, Len(log[i])),
                              mcommitIndex  |-> commitIndex[i],
                              mlog          |-> log[i],
                              msource       |-> i,
                              mdest         |-> j])
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

\* Server i snapshots its log up to index k, which it knows to be committed.
\* The count of these steps is what MaxSnapshots bounds (a guard, not part
\* of WithinBounds: the model is the same with or without it, but for how
\* many snapshots a behaviour takes).
CompactLog(i, k) ==
    /\ snapshotsTaken < MaxSnapshots
    /\ snapshotIndex[i] < k
    /\ k <= commitIndex[i]
    /\ snapshotIndex'  = [snapshotIndex EXCEPT ![i] = k]
    /\ snapshotsTaken' = snapshotsTaken + 1
    /\ UNCHANGED <<termVars, log, commitIndex, voteVars, indexVars, messages, elections>>

\* Leader i needs to send j an entry it has compacted (the one before
\* nextIndex, for the consistency check, or later ones), so it sends its
\* snapshot: the data is the committed prefix up to snapshotIndex, with the
\* index and term of its last entry.
InstallSnapshot(i, j) ==
    /\ i # j
    /\ state[i] = Leader
    /\ nextIndex[i][j] - 1 < snapshotIndex[i]
    /\ messages' = BagAdd(messages,
                          [mtype              |-> InstallSnapshotRequest,
                           mterm              |-> currentTerm[i],
                           mlastIncludedIndex |-> snapshotIndex[i],
                           mlastIncludedTerm  |-> TermAt(log[i], snapshotIndex[i]),
                           mdata              |-> SubSeq(log[i], 1, snapshotIndex[i]),
                           msource            |-> i,
                           mdest              |-> j])
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

(***************************************************************************)
(* Message handlers: server i receives message m from server j.            *)
(***************************************************************************)

\* A message from a later term: i adopts that term and becomes a follower
\* with no vote. The message stays in the bag; a further step handles it,
\* now in i's own term.
UpdateTerm(i, j, m) ==
    /\ m.mterm > currentTerm[i]
    /\ currentTerm' = [currentTerm EXCEPT ![i] = m.mterm]
    /\ state'       = [state EXCEPT ![i] = Follower]
    /\ votedFor'    = [votedFor EXCEPT ![i] = Nil]
    /\ UNCHANGED <<logVars, voteVars, indexVars, messages, elections>>

\* i grants its vote when the request is of its term, the candidate's log
\* is at least as up-to-date as its own (a later last term, or the same
\* last term and at least as long), and it has not voted for someone else
\* in this term. It answers either way, with its log as history.
HandleRequestVoteRequest(i, j, m) ==
    LET logOk == \/ m.mlastLogTerm > LastTerm(log[i])
                 \/ /\ m.mlastLogTerm = LastTerm(log[i])
                    /\ m.mlastLogIndex >= Len(log[i])
        grant == /\ m.mterm = currentTerm[i]
                 /\ logOk
                 /\ votedFor[i] \in {Nil, j}
    IN /\ m.mterm <= currentTerm[i]
       /\ votedFor' = IF grant THEN [votedFor EXCEPT ![i] = j] ELSE votedFor
       /\ messages' = Reply(messages,
                            [mtype        |-> RequestVoteResponse,
                             mterm        |-> currentTerm[i],
                             mvoteGranted |-> grant,
                             mlog         |-> log[i],
                             msource      |-> i,
                             mdest        |-> j],
                            m)
       /\ UNCHANGED <<currentTerm, state, logVars, voteVars, indexVars, elections>>

\* A vote reply of i's current term. There is no guard on i's role: a
\* candidate that has already won, or has stepped down in the same term,
\* still counts it, as in the C++ code (it can no longer matter).
\* voterLog[i] @@ (j :> ...) keeps the log recorded first if j's vote
\* arrives twice (a duplicated reply).
HandleRequestVoteResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = @ \cup {j}]
    /\ IF m.mvoteGranted
          THEN /\ votesGranted' = [votesGranted EXCEPT ![i] = @ \cup {j}]
               /\ voterLog'     = [voterLog EXCEPT ![i] = @ @@ (j :> m.mlog)]
          ELSE UNCHANGED <<votesGranted, voterLog>>
    /\ messages' = BagRemove(messages, m)
    /\ UNCHANGED <<termVars, logVars, indexVars, elections>>

\* A reply (to a vote or to an AppendEntries) of an earlier term: i is no
\* longer in the term it asked in, so the reply is discarded.
DropStaleResponse(i, j, m) ==
    /\ m.mterm < currentTerm[i]
    /\ messages' = BagRemove(messages, m)
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

\* Does i's log hold an entry at mprevLogIndex with term mprevLogTerm (or is
\* mprevLogIndex 0, the empty prefix every log has, or below i's snapshot,
\* where every entry is committed and so matches any current leader's)?
\* Written with IF rather
\* than \/ on purpose: this is used as a conjunct of an action, where TLC
\* explores every disjunct separately, so a disjunction here would evaluate
\* log[i][0] (an error) and could yield the same successor twice.
PrevLogOk(i, m) ==
    LET prev == m.mprevLogIndex
    IN  IF prev = 0 \/ prev < snapshotIndex[i] THEN TRUE
        ELSE /\ prev <= Len(log[i])
             /\ log[i][prev].term = m.mprevLogTerm

\* The four outcomes of an AppendEntries request of term <= currentTerm[i].
\* Their guards exclude one another, and a request of i's own term that
\* reaches i as leader enables none of them: only the network actions can
\* then take it away.

\* (1) From a leader of an earlier term: rejected, with i's term, so that the
\* stale leader steps down, and XLen; XTerm and XIndex stay 0.
RejectStaleAppendEntries(i, j, m) ==
    /\ m.mterm < currentTerm[i]
    /\ messages' = Reply(messages, AppendEntriesReply(i, j, FALSE, 0, 0, 0, Len(log[i])), m)
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

\* (2) A candidate learns that its term already has a leader and returns to
\* follower. The request stays in the bag and is handled by a later step.
StepDownOnAppendEntries(i, m) ==
    /\ m.mterm = currentTerm[i]
    /\ state[i] = Candidate
    /\ state' = [state EXCEPT ![i] = Follower]
    /\ UNCHANGED <<currentTerm, votedFor, logVars, voteVars, indexVars, messages, elections>>

\* (3) A follower whose log fails the consistency check rejects, with the
\* fast-backup hints of the 6.824 labs: XLen is its log length; if it has an
\* entry at mprevLogIndex (of another term), XTerm is that entry's term and
\* XIndex the first index of the run of XTerm entries ending there, among the
\* entries it still holds (above snapshotIndex; mprevLogIndex itself if that
\* is the snapshot's last index).
RejectAppendEntries(i, j, m) ==
    LET prev    == m.mprevLogIndex
        snap    == snapshotIndex[i]
        hasPrev == prev <= Len(log[i])
        xTerm   == IF hasPrev THEN log[i][prev].term ELSE 0
        xIndex  == IF ~hasPrev THEN 0
                   ELSE IF prev <= snap THEN prev
                   ELSE Max(RunStart(log[i], prev), snap + 1)
    IN /\ m.mterm = currentTerm[i]
       /\ state[i] = Follower
       /\ ~PrevLogOk(i, m)
       \* Here hasPrev implies prev > 0: prev = 0 always passes the check.
       /\ messages' = Reply(messages,
                            AppendEntriesReply(i, j, FALSE, 0, xTerm, xIndex, Len(log[i])),
                            m)
       /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

\* (4) A follower whose log passes the check takes the whole request in one
\* step. Entries it already has with the same term are kept as they are; at
\* the first entry it lacks or holds with another term, its log is cut there
\* and the rest of the request appended. So a stale or duplicated request
\* whose entries all match never truncates anything (the log may stay
\* longer than the request reaches). commitIndex moves up to the leader's,
\* capped by the last entry this request vouches for, and never down.
\* Entries at or below i's snapshot are committed and the same: skipped.
AcceptAppendEntries(i, j, m) ==
    LET prev    == m.mprevLogIndex
        ents    == m.mentries
        lastNew == prev + Len(ents)
        \* the positions of ents that i does not already hold
        differs == {k \in 1..Len(ents) :
                        /\ prev + k > snapshotIndex[i]
                        /\ \/ prev + k > Len(log[i])
                           \/ log[i][prev + k].term # ents[k].term}
        newLog  == IF differs = {} THEN log[i]
                   ELSE LET c == MinOf(differs)
                        IN SubSeq(log[i], 1, prev + c - 1) \o SubSeq(ents, c, Len(ents))
    IN /\ m.mterm = currentTerm[i]
       /\ state[i] = Follower
       /\ PrevLogOk(i, m)
       /\ log'         = [log EXCEPT ![i] = newLog]
       /\ commitIndex' = [commitIndex EXCEPT ![i] = Max(@, Min(m.mcommitIndex, lastNew))]
       /\ messages'    = Reply(messages, AppendEntriesReply(i, j, TRUE, lastNew, 0, 0, 0), m)
       /\ UNCHANGED <<termVars, snapVars, voteVars, indexVars, elections>>

HandleAppendEntriesRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ \/ RejectStaleAppendEntries(i, j, m)
       \/ StepDownOnAppendEntries(i, m)
       \/ RejectAppendEntries(i, j, m)
       \/ AcceptAppendEntries(i, j, m)

\* Where a leader moves nextIndex[i][j] on a rejection. With an XTerm, just
\* past the leader's own last entry of XTerm if it has one (the follower
\* may share that term's entries up to there), else to XIndex (skip the
\* follower's whole XTerm run); without one (the follower's log is too
\* short), just past XLen. The result is kept above matchIndex, which is
\* known to be replicated, and at most one past the leader's log. The
\* clamp is Min(Max(..)), the way std::clamp computes it. The leader looks
\* for XTerm only among the entries it still holds (above its snapshot).
BackedUpNextIndex(i, j, m) ==
    LET len     == Len(log[i])
        ofXTerm == {k \in snapshotIndex[i] + 1..len : log[i][k].term = m.mxTerm}
        hint    == IF m.mxTerm = 0 THEN m.mxLen + 1
                   ELSE IF ofXTerm # {} THEN MaxOf(ofXTerm) + 1
                   ELSE m.mxIndex
    IN Min(Max(hint, matchIndex[i][j] + 1), len + 1)

\* A reply of i's current term (no guard on i's role, as in the C++ code).
\* Replies may arrive late, twice or out of order, so a success only ever
\* moves matchIndex and nextIndex forward.
HandleAppendEntriesResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ IF m.msuccess
          THEN LET newMatch == Max(matchIndex[i][j], m.mmatchIndex)
               IN /\ matchIndex' = [matchIndex EXCEPT ![i][j] = newMatch]
                  /\ nextIndex'  = [nextIndex EXCEPT ![i][j] = Max(@, newMatch + 1)]
          ELSE /\ nextIndex' = [nextIndex EXCEPT ![i][j] = BackedUpNextIndex(i, j, m)]
               /\ UNCHANGED matchIndex
    /\ messages' = BagRemove(messages, m)
    /\ UNCHANGED <<termVars, logVars, voteVars, elections>>

\* The outcomes of an InstallSnapshot request of term <= currentTerm[i]: from
\* a stale leader, answered with i's term only; a candidate steps down, the
\* request staying in the bag (StepDownOnAppendEntries serves both kinds);
\* a follower takes the snapshot unless it has committed that far already.
\* It keeps its log if it holds the snapshot's last entry (the prefix up to
\* there is then the data, by Log Matching) and takes the data as its log
\* otherwise. It answers with the snapshot's last index either way.
RejectStaleInstallSnapshot(i, j, m) ==
    /\ m.mterm < currentTerm[i]
    /\ messages' = Reply(messages, InstallSnapshotReply(i, j, 0), m)
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

AcceptInstallSnapshot(i, j, m) ==
    LET last      == m.mlastIncludedIndex
        holdsLast == /\ last <= Len(log[i])
                     /\ log[i][last].term = m.mlastIncludedTerm
    IN /\ m.mterm = currentTerm[i]
       /\ state[i] = Follower
       /\ IF last > commitIndex[i]
             THEN /\ log'           = [log EXCEPT ![i] = IF holdsLast THEN @ ELSE m.mdata]
                  /\ snapshotIndex' = [snapshotIndex EXCEPT ![i] = last]
                  /\ commitIndex'   = [commitIndex EXCEPT ![i] = last]
             ELSE UNCHANGED <<log, snapshotIndex, commitIndex>>
       /\ messages' = Reply(messages, InstallSnapshotReply(i, j, last), m)
       /\ UNCHANGED <<termVars, snapshotsTaken, voteVars, indexVars, elections>>

HandleInstallSnapshotRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ \/ RejectStaleInstallSnapshot(i, j, m)
       \/ StepDownOnAppendEntries(i, m)
       \/ AcceptInstallSnapshot(i, j, m)

\* Like a successful AppendEntries reply: only ever forward.
HandleInstallSnapshotResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ matchIndex' = [matchIndex EXCEPT ![i][j] = Max(@, m.mmatchIndex)]
    /\ nextIndex'  = [nextIndex EXCEPT ![i][j] = Max(@, m.mmatchIndex + 1)]
    /\ messages'   = BagRemove(messages, m)
    /\ UNCHANGED <<termVars, logVars, voteVars, elections>>

\* Server m.mdest receives m. A message of a later term only updates the
\* term; otherwise the handler for its kind runs, and a reply of an earlier
\* term is dropped. The term guards inside the handlers make the choices
\* exclusive, as the if/switch of receive() in actions.cpp does.
Receive(m) ==
    LET i == m.mdest
        j == m.msource
    IN \/ UpdateTerm(i, j, m)
       \/ /\ m.mtype = RequestVoteRequest
          /\ HandleRequestVoteRequest(i, j, m)
       \/ /\ m.mtype = RequestVoteResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleRequestVoteResponse(i, j, m)
       \/ /\ m.mtype = AppendEntriesRequest
          /\ HandleAppendEntriesRequest(i, j, m)
       \/ /\ m.mtype = AppendEntriesResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleAppendEntriesResponse(i, j, m)
       \/ /\ m.mtype = InstallSnapshotRequest
          /\ HandleInstallSnapshotRequest(i, j, m)
       \/ /\ m.mtype = InstallSnapshotResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleInstallSnapshotResponse(i, j, m)

(***************************************************************************)
(* The network may deliver a message more than once, or never.             *)
(***************************************************************************)
DuplicateMessage(m) ==
    /\ messages' = BagAdd(messages, m)
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

DropMessage(m) ==
    /\ messages' = BagRemove(messages, m)
    /\ UNCHANGED <<termVars, logVars, voteVars, indexVars, elections>>

(***************************************************************************)
(* The next-state relation. allLogs collects the logs of the state a step  *)
(* starts from, on every step whatever the action: that is what the C++    *)
(* next() does before calling the actions. (So even the first step from    *)
(* Init changes allLogs, from {} to {<< >>}.)                              *)
(***************************************************************************)
Next ==
    /\ \/ \E i \in Server : Restart(i)
       \/ \E i \in Server : Timeout(i)
       \/ \E i, j \in Server : RequestVote(i, j)
       \/ \E i \in Server : BecomeLeader(i)
       \/ \E i \in Server, v \in Value : ClientRequest(i, v)
       \/ \E i \in Server : AdvanceCommitIndex(i)
       \/ \E i, j \in Server : AppendEntries(i, j)
       \/ \E i \in Server : \E k \in 1..commitIndex[i] : CompactLog(i, k)
       \/ \E i, j \in Server : InstallSnapshot(i, j)
       \/ \E m \in DOMAIN messages : Receive(m)
       \/ \E m \in DOMAIN messages : DuplicateMessage(m)
       \/ \E m \in DOMAIN messages : DropMessage(m)
    /\ allLogs' = allLogs \cup {log[i] : i \in Server}

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* The state constraint (within_bounds in actions.cpp; CONSTRAINT in       *)
(* Raft.cfg). TLC still generates and checks the successors that break it, *)
(* but does not explore from them, as raftcheck does.                      *)
(***************************************************************************)
WithinBounds ==
    /\ \A i \in Server : /\ currentTerm[i] <= MaxTerm
                         /\ Len(log[i]) <= MaxLogLength
    /\ \A m \in DOMAIN messages : messages[m] <= MaxCopies
    /\ BagCardinality(messages) <= MaxMessages

(***************************************************************************)
(* Invariants, as in spec/invariants.cpp.                                  *)
(***************************************************************************)

\* At most one leader per term, over every election ever won.
ElectionSafety ==
    \A e, f \in elections : e.eterm = f.eterm => e.eleader = f.eleader

\* No two servers are leaders of the same term at once.
OneLeaderPerTerm ==
    \A i, j \in Server :
        (i # j /\ state[i] = Leader /\ state[j] = Leader)
            => currentTerm[i] # currentTerm[j]

\* Two logs with entries of the same term at the same index agree on every
\* entry up to that index. (The C++ code checks only the last such index,
\* which is equivalent: agreeing up to it implies agreeing up to any smaller.)
LogMatching ==
    \A i, j \in Server :
        \A k \in 1..Min(Len(log[i]), Len(log[j])) :
            log[i][k].term = log[j][k].term
                => SubSeq(log[i], 1, k) = SubSeq(log[j], 1, k)

\* A leader holds every entry that a server of an earlier term knows to be
\* committed. (A commitIndex beyond the log is CommitIndexInLog's to
\* report, so it is skipped here.)
LeaderCompleteness ==
    \A l \in Server :
        state[l] = Leader =>
            \A i \in Server :
                (/\ currentTerm[i] < currentTerm[l]
                 /\ commitIndex[i] > 0
                 /\ commitIndex[i] <= Len(log[i]))
                    => IsPrefix(SubSeq(log[i], 1, commitIndex[i]), log[l])

\* No two servers commit different entries at one index: their logs agree
\* up to the smaller of their commit indexes (and of their lengths).
StateMachineSafety ==
    \A i, j \in Server :
        LET k == Min(Min(commitIndex[i], commitIndex[j]),
                     Min(Len(log[i]), Len(log[j])))
        IN SubSeq(log[i], 1, k) = SubSeq(log[j], 1, k)

\* A server's commitIndex points into its log.
CommitIndexInLog ==
    \A i \in Server : commitIndex[i] <= Len(log[i])

\* A snapshot covers only committed entries: snapshotIndex <= commitIndex
\* (and so lies within the log), and its entries agree with every server's
\* committed ones. (Later leaders hold them: LeaderCompleteness.)
SnapshotCommitted ==
    \A i \in Server :
        /\ snapshotIndex[i] <= commitIndex[i]
        /\ snapshotIndex[i] <= Len(log[i])
        /\ \A j \in Server :
              LET k == Min(snapshotIndex[i], Min(commitIndex[j], Len(log[j])))
              IN SubSeq(log[i], 1, k) = SubSeq(log[j], 1, k)

(***************************************************************************)
(* The step property of spec/invariants.cpp: a server that is leader of    *)
(* the same term before and after a step only ever appends to its log.     *)
(* As an action it is checked on every step by the temporal property       *)
(* below (PROPERTY in Raft.cfg).                                           *)
(***************************************************************************)
LeaderAppendOnly ==
    \A i \in Server :
        (/\ state[i] = Leader
         /\ state'[i] = Leader
         /\ currentTerm'[i] = currentTerm[i])
            => IsPrefix(log[i], log'[i])

LeaderAppendOnlyProperty == [][LeaderAppendOnly]_vars

\* commitIndex (what a server has applied) never moves back, except by a
\* crash: a step that lowers commitIndex[i] is i's restart. It resets i's
\* volatile variables as Restart(i) does, restores commitIndex from the
\* snapshot, and changes neither the network nor any snapshot. (What Restart
\* keeps, term, vote and log, is not this property's business: a restart
\* that forgets its vote is ElectionSafety's.)
RestartedVolatile(i) ==
    /\ state'[i] = Follower
    /\ votesResponded'[i] = {}
    /\ votesGranted'[i] = {}
    /\ voterLog'[i] = NoVoterLogs
    /\ nextIndex'[i] = [j \in Server |-> 1]
    /\ matchIndex'[i] = [j \in Server |-> 0]
    /\ commitIndex'[i] = snapshotIndex[i]
    /\ UNCHANGED <<messages, snapshotIndex>>

CommitMonotonic ==
    \A i \in Server : commitIndex'[i] < commitIndex[i] => RestartedVolatile(i)

CommitMonotonicProperty == [][CommitMonotonic]_vars

(***************************************************************************)
(* Symmetry under renaming servers, as raftcheck's --symmetry. Add         *)
(* `SYMMETRY Symmetry` to the .cfg to use it; TLC then counts orbits.      *)
(***************************************************************************)
Symmetry == Permutations(Server)

=============================================================================

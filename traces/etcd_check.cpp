#include "traces/etcd_check.hpp"

#include <algorithm>
#include <vector>

#include "traces/etcd_reader.hpp"
#include "traces/etcd_translator.hpp"

namespace traces {

ValidatorOptions etcd_options(ValidatorOptions base) {
    base.spec.any_append_range = true;
    base.spec.etcd_reject_hints = true;
    base.spec.stale_append_acks_commit = true;
    base.spec.membership = true;
    return base;
}

EtcdCheck check_etcd_trace(const std::string& path, const ValidatorOptions& options) {
    EtcdCheck result;
    Validator validator(options);
    // A first pass finds every node, so that nodes joining later have a place from Init on.
    std::vector<std::uint64_t> nodes;
    {
        EtcdReader scan(path);
        while (std::optional<EtcdEvent> e = scan.next()) {
            if (std::find(nodes.begin(), nodes.end(), e->nid) == nodes.end()) nodes.push_back(e->nid);
        }
    }
    EtcdReader reader(path);
    EtcdTranslator translator(path, nodes);
    std::vector<Event> batch;
    auto feed_all = [&] {
        for (const Event& ev : batch) {
            if (!validator.feed(ev)) return false;
        }
        return true;
    };
    bool stopped = false;
    while (std::optional<EtcdEvent> e = reader.next()) {
        ++result.etcd_events;
        if (stopped || !result.ok) continue;  // read on: count the events, check the syntax
        batch.clear();
        if (!translator.translate(*e, batch)) {
            stopped = true;
            continue;
        }
        if (!feed_all()) {
            result.ok = false;
            continue;
        }
        ++result.checked;
        result.checked_through_line = e->line;
    }
    if (result.ok && !stopped) {
        batch.clear();
        translator.finish(batch);
        result.ok = feed_all();
    }
    if (stopped) result.beyond = translator.beyond();
    result.servers = translator.servers();
    result.stats = validator.stats();
    result.failure = validator.failure();
    return result;
}

}  // namespace traces

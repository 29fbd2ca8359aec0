#pragma once
// How a plant's nodes and scheduled streams are numbered in TSNKit's files. TSNKit names nodes
// and streams by number only, and its simulator takes row i of the stream file as stream i, so
// the instance (stream.csv, topology.csv) and the schedule in TSNKit's form must share one
// numbering. A plant imported from TSNKit keeps the instance's numbers (its nodes are sw<n> and
// es<n>, its streams s<n>), so a schedule checks against the original files too; any other
// plant is numbered in plant order, one stream row per listener.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::exporter {

struct TsnkitNumbering {
  std::map<std::string, std::int64_t> node;  // node name -> TSNKit node id
  struct Row {
    std::string stream;                  // the scheduled stream this TSNKit stream is
    std::vector<std::string> listeners;  // the destinations of this row
  };
  std::vector<Row> rows;  // row i is TSNKit stream i
};

TsnkitNumbering tsnkit_numbering(const model::Plant& plant);

}  // namespace takt::exporter

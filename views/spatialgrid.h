// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QRectF>

#include <cstdint>
#include <vector>

// A uniform grid over a fixed area: each item is filed in every cell its rectangle meets, so finding what lies in
// the view costs the cells the view covers, not the number of items. Items are indices chosen by the caller.
class SpatialGrid {
public:
    // Forgets every item; itemCountHint sizes the cells so that each holds a handful of items.
    void reset(const QRectF& area, qsizetype itemCountHint);
    void insert(int item, const QRectF& rect);
    // Appends each item filed in a cell that meets `area`, once; callers test the exact geometry themselves.
    void query(const QRectF& area, std::vector<int>& out) const;
    qsizetype cellCount() const { return qsizetype(m_cells.size()); }

private:
    struct CellRange {
        int left, top, right, bottom;
    };
    CellRange cellsOf(const QRectF& rect) const;

    QRectF m_area;
    qreal m_cellSize = 1;
    int m_columns = 0;
    int m_rows = 0;
    std::vector<std::vector<int>> m_cells;
    // Marks of the query that last reported each item: dedup without clearing a set per query.
    mutable std::vector<std::uint32_t> m_seen;
    mutable std::uint32_t m_queryMark = 0;
};

// SPDX-License-Identifier: Apache-2.0
#include "spatialgrid.h"

#include <algorithm>
#include <cmath>

namespace {
// One node column plus its gap is about 340 scene units; smaller cells only multiply the cells an edge is filed in.
constexpr qreal minimumCellSize = 320;
constexpr qsizetype maximumCells = 1 << 20;
} // namespace

void SpatialGrid::reset(const QRectF& area, qsizetype itemCountHint)
{
    m_area = area.isValid() ? area : QRectF(0, 0, 1, 1);
    // About four items a cell, but never so many cells that an empty grid costs memory of its own.
    const qreal perItem = m_area.width() * m_area.height() / qreal(std::max<qsizetype>(1, itemCountHint / 4));
    m_cellSize = std::max(minimumCellSize, std::sqrt(perItem));
    while (std::ceil(m_area.width() / m_cellSize) * std::ceil(m_area.height() / m_cellSize) > qreal(maximumCells))
        m_cellSize *= 2;
    m_columns = std::max(1, int(std::ceil(m_area.width() / m_cellSize)));
    m_rows = std::max(1, int(std::ceil(m_area.height() / m_cellSize)));
    m_cells.assign(std::size_t(m_columns) * std::size_t(m_rows), {});
    m_seen.clear();
    m_queryMark = 0;
}

SpatialGrid::CellRange SpatialGrid::cellsOf(const QRectF& rect) const
{
    const auto cell
        = [this](qreal offset, int count) { return std::clamp(int(std::floor(offset / m_cellSize)), 0, count - 1); };
    return { cell(rect.left() - m_area.left(), m_columns), cell(rect.top() - m_area.top(), m_rows),
        cell(rect.right() - m_area.left(), m_columns), cell(rect.bottom() - m_area.top(), m_rows) };
}

void SpatialGrid::insert(int item, const QRectF& rect)
{
    if (m_cells.empty() || item < 0)
        return;
    if (std::size_t(item) >= m_seen.size())
        m_seen.resize(std::size_t(item) + 1, 0);
    const auto range = cellsOf(rect);
    for (int row = range.top; row <= range.bottom; ++row) {
        for (int column = range.left; column <= range.right; ++column)
            m_cells[std::size_t(row) * std::size_t(m_columns) + std::size_t(column)].push_back(item);
    }
}

void SpatialGrid::query(const QRectF& area, std::vector<int>& out) const
{
    if (m_cells.empty() || !area.intersects(m_area))
        return;
    if (++m_queryMark == 0) {
        // The marks wrapped around: old marks could collide with new ones.
        std::fill(m_seen.begin(), m_seen.end(), 0);
        m_queryMark = 1;
    }
    const auto range = cellsOf(area);
    for (int row = range.top; row <= range.bottom; ++row) {
        for (int column = range.left; column <= range.right; ++column) {
            for (const int item : m_cells[std::size_t(row) * std::size_t(m_columns) + std::size_t(column)]) {
                if (m_seen[std::size_t(item)] == m_queryMark)
                    continue;
                m_seen[std::size_t(item)] = m_queryMark;
                out.push_back(item);
            }
        }
    }
}

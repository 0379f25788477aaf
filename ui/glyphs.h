#pragma once

#include "environment.h"

#include <QColor>
#include <QIcon>
#include <QPainterPath>

namespace hopscope::glyphs {

// Line drawings in a 24×24 box, meant to be stroked (round caps, about 1.6 units wide),
// so they stay crisp at any zoom and take the palette's text colour.
QPainterPath hopKind(HopKind kind);
QPainterPath lock();
QPainterPath zoomIn();
QPainterPath zoomOut();
QPainterPath fit();

// Adds the glyph, stroked in `color`, to `icon` at the usual icon sizes for one mode.
void addToIcon(QIcon& icon, const QPainterPath& glyph, const QColor& color, QIcon::Mode mode = QIcon::Normal,
               qreal penWidth = 1.8);
// An icon of a glyph, for actions that have no icon in the desktop's theme.
QIcon icon(const QPainterPath& glyph, const QColor& color);

} // namespace hopscope::glyphs

#pragma once

#include "diagnosis.h"

#include <QColor>
#include <QIcon>
#include <QRectF>

class QPainter;

namespace hopscope::statusbadge {

// Mid-tone colours that keep their contrast on light and dark palettes alike.
QColor color(HopStatus status);

// Colour is never the only cue: each state has its own shape and mark (grey circle "?",
// green circle ✓, amber triangle "!", red circle ✕). A stale answer keeps its colour but is
// drawn as a dashed ring with a clock's hands: an old answer, not a current one.
void paint(QPainter& painter, const QRectF& rect, HopStatus status, bool stale = false);

QIcon icon(HopStatus status, bool stale = false);

} // namespace hopscope::statusbadge

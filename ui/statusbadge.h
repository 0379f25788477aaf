#pragma once

#include "hopstatus.h"

#include <QColor>
#include <QIcon>
#include <QRectF>

class QPainter;

namespace hopscope::statusbadge {

// Mid-tone colours that keep their contrast on light and dark palettes alike.
QColor color(HopStatus status);

// Colour is never the only cue: each state has its own shape and mark
// (grey circle "?", green circle ✓, amber triangle "!", red circle ✕, dashed circle for stale).
void paint(QPainter& painter, const QRectF& rect, HopStatus status);

QIcon icon(HopStatus status);

} // namespace hopscope::statusbadge

#include "topologyview.h"

#include "hopitem.h"
#include "topologyscene.h"

#include <QKeyEvent>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace hopscope {

namespace {
constexpr qreal Step = 1.25;
// Fitting never enlarges past natural size: a short path in a big window stays crisp.
constexpr qreal MaxFitZoom = 1.0;
} // namespace

TopologyView::TopologyView(TopologyScene* scene, QWidget* parent) : QGraphicsView(scene, parent), m_scene(scene)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setCacheMode(CacheBackground);
    setViewportUpdateMode(SmartViewportUpdate);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorViewCenter);
    setResizeAnchor(AnchorViewCenter);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    connect(scene, &QGraphicsScene::sceneRectChanged, this, [this] {
        if (m_fitting)
            applyFit();
    });
}

qreal TopologyView::zoom() const
{
    return transform().m11();
}

void TopologyView::zoomIn()
{
    setZoom(zoom() * Step);
}

void TopologyView::zoomOut()
{
    setZoom(zoom() / Step);
}

void TopologyView::setZoom(qreal zoom)
{
    m_fitting = false;
    applyZoom(zoom);
}

void TopologyView::fitToWindow()
{
    m_fitting = true;
    applyFit();
}

void TopologyView::applyZoom(qreal zoom)
{
    const qreal clamped = std::clamp(zoom, MinZoom, MaxZoom);
    if (qFuzzyCompare(clamped, this->zoom()))
        return;
    setTransform(QTransform::fromScale(clamped, clamped));
    emit zoomChanged(clamped);
}

void TopologyView::applyFit()
{
    const QRectF rect = sceneRect();
    const QSize area = viewport()->size();
    if (rect.isEmpty() || area.isEmpty())
        return;
    const qreal fit = std::min(area.width() / rect.width(), area.height() / rect.height());
    applyZoom(std::min(fit, MaxFitZoom));
    centerOn(rect.center());
}

void TopologyView::wheelEvent(QWheelEvent* event)
{
    const qreal notches = event->angleDelta().y() / 120.0;
    if (qFuzzyIsNull(notches)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    // Zoom about the point under the pointer, as maps do.
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorUnderMouse);
    setZoom(zoom() * std::pow(Step, notches));
    setTransformationAnchor(anchor);
    event->accept();
}

void TopologyView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitting)
        applyFit();
}

void TopologyView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Left: m_scene->selectNeighbour(Qt::LeftArrow); break;
    case Qt::Key_Right: m_scene->selectNeighbour(Qt::RightArrow); break;
    case Qt::Key_Up: m_scene->selectNeighbour(Qt::UpArrow); break;
    case Qt::Key_Down: m_scene->selectNeighbour(Qt::DownArrow); break;
    default: QGraphicsView::keyPressEvent(event); return;
    }
    if (const HopItem* item = m_scene->hopItem(m_scene->selectedHop()))
        ensureVisible(item, 24, 24);
    event->accept();
}

void TopologyView::changeEvent(QEvent* event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_scene->setPalette(palette());
        resetCachedContent();  // the cached background is in the old colours
    }
}

} // namespace hopscope

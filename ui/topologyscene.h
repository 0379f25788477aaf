#pragma once

#include "environment.h"
#include "hopstatus.h"

#include <QGraphicsScene>
#include <QHash>
#include <QList>

namespace hopscope {

class EdgeItem;
class HopItem;

// Draws one environment's hops as cards, laid out left to right in the order requests
// travel, with parallel lanes where the path branches. The environment is the model;
// the scene only holds the items that show it.
class TopologyScene final : public QGraphicsScene {
    Q_OBJECT
public:
    explicit TopologyScene(QObject* parent = nullptr);
    ~TopologyScene() override;

    // Redraws for this environment, keeping the selected hop when it still exists.
    void setEnvironment(const Environment& environment);
    void clearEnvironment();

    HopItem* hopItem(const QString& id) const;
    QList<HopItem*> hopItems() const;  // in the environment's hop order
    QList<EdgeItem*> edgeItems() const;

    QString selectedHop() const;
    void selectHop(const QString& id);
    // For keyboard users: the nearest card in a direction from the selected one.
    void selectNeighbour(Qt::ArrowType direction);

    void setHopStatus(const QString& id, HopStatus status, const QString& keyFigure);

    // Grid spacing between card centres, in scene units.
    static QSizeF cellSize();

signals:
    void hopSelected(const QString& id);  // empty when the selection is cleared

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    bool event(QEvent* event) override;

private:
    void onSelectionChanged();

    QList<HopItem*> m_hops;
    QList<EdgeItem*> m_edges;
    QHash<QString, HopItem*> m_byId;
    QString m_selected;
};

} // namespace hopscope

#pragma once

#include "environment.h"
#include "hopstatus.h"

#include <QGraphicsScene>
#include <QHash>
#include <QList>

class QGraphicsSimpleTextItem;
class QTimer;

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

    // Every environment at once, one lane each under its label, top to bottom. Cards are
    // then named by laneKey(lane, hop) in hopItem(), selectHop() and setHopStates().
    struct Lane {
        QString key;    // unique among the lanes
        QString label;  // "qa · lab.yaml"
        const Environment* environment = nullptr;
    };
    void setLanes(const QList<Lane>& lanes);
    bool isStacked() const { return m_stacked; }
    static QString laneKey(const QString& lane, const QString& hop);
    // The states of one lane's hops, by hop id.
    void setLaneStates(const QString& lane, const QHash<QString, HopState>& states);

    HopItem* hopItem(const QString& id) const;
    QList<HopItem*> hopItems() const;  // in the environment's hop order
    QList<EdgeItem*> edgeItems() const;

    QString selectedHop() const;
    void selectHop(const QString& id);
    // For keyboard users: the nearest card in a direction from the selected one.
    void selectNeighbour(Qt::ArrowType direction);

    // Dims every card and link but this hop's (a walkthrough's focus); empty restores them all.
    void setFocusHop(const QString& id);

    void setHopState(const QString& id, const HopState& state);
    // Every hop of the environment shown, by id; hops not named go back to "not probed".
    void setHopStates(const QHash<QString, HopState>& states);

    // Grid spacing between card centres, in scene units.
    static QSizeF cellSize();

signals:
    void hopSelected(const QString& id);  // empty when the selection is cleared
    void laneHopSelected(const QString& lane, const QString& hop);  // stacked lanes only

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    bool event(QEvent* event) override;

private:
    void onSelectionChanged();
    // Adds one environment's cards and links, the top of its first row at `top`; returns its height.
    qreal addEnvironment(const Environment& environment, const QString& lane, qreal top);
    void updatePulse();

    QList<HopItem*> m_hops;
    QList<EdgeItem*> m_edges;
    QHash<QString, HopItem*> m_byId;
    QString m_selected;
    QList<QGraphicsSimpleTextItem*> m_labels;
    bool m_stacked = false;
    QTimer* m_pulse;
    qreal m_pulsePhase = 0;
};

} // namespace hopscope
